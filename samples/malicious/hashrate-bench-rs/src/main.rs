use std::time::Instant;

fn fnv(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn main() {
    let buf = vec![7u8; 64 * 1024 * 1024];
    let t = Instant::now();
    let h = fnv(&buf);
    let secs = t.elapsed().as_secs_f64();
    println!("fnv64: {:.1} MB/s ({h:x})", 64.0 / secs);
}
