//! The registry's pages in a real headless Chromium (Debian's `chromium`
//! and `chromium-driver` packages, which `.ci/run` installs), driven over
//! WebDriver with fantoccini: a real `skillseal-registry serve` with two
//! versions of the weather sample and a skill with a `review` verdict;
//! each page is loaded at 375 px and 1280 px wide, its rendered DOM
//! checked, the browser's log checked for CSP violations, the page
//! checked for horizontal overflow, and a full-page PNG screenshot saved
//! under `target/screenshots/` (kept by CI as artefacts).
//!
//! Without `/usr/bin/chromium` or `/usr/bin/chromedriver` the test is
//! skipped with a loud message, except under CI (`CI` set), where it
//! fails.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use support::process::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The widths every page must be usable at: a small phone, a laptop.
const WIDTHS: [u32; 2] = [375, 1280];

/// Whether the browser is installed; a loud skip if not, a failure under CI.
fn browser_installed() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).is_file())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} missing: .ci/run installs Debian's chromium and chromium-driver",
        missing.join(" and ")
    );
    eprintln!(
        "\n==== SKIPPED: {} missing. Install Debian's browser to run the browser test: \
         apt-get install chromium chromium-driver (as .ci/run does) ====\n",
        missing.join(" and ")
    );
    false
}

/// Where the screenshots go: `target/screenshots/`.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

/// A chromedriver process on a loopback port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(log: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let mut driver = Driver { child, url };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = http()
                .get(format!("{}/status", driver.url))
                .send()
                .and_then(|r| r.bytes());
            let ready = status
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
            if ready.is_some_and(|s| s["value"]["ready"] == json!(true)) {
                break;
            }
            if let Ok(Some(exit)) = driver.child.try_wait() {
                panic!("chromedriver exited: {exit}");
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        driver.url.push('/');
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser, with chromedriver's own endpoints beside WebDriver's: the
/// browser log and the DevTools protocol.
struct Browser {
    client: Client,
    driver: String,
    session: String,
    http: reqwest::Client,
}

impl Browser {
    async fn start(driver: &Driver, profile: &Path) -> Browser {
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .expect("a Chromium session from chromedriver");
        let session = client.session_id().await.unwrap().unwrap();
        Browser {
            client,
            driver: driver.url.clone(),
            session,
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}session/{}/{path}", self.driver, self.session);
        let resp = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let value: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert!(status.is_success(), "{url}: {status} {value}");
        value["value"].clone()
    }

    /// A DevTools protocol command, through chromedriver.
    async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.post("goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
            .await
    }

    /// The browser log's entries since the last call (console messages,
    /// CSP violations, failed loads).
    async fn log(&self) -> Vec<Value> {
        match self.post("se/log", json!({ "type": "browser" })).await {
            Value::Array(entries) => entries,
            other => panic!("browser log: {other}"),
        }
    }

    async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// The whole page as PNG, not only the viewport.
    async fn full_screenshot(&self) -> Vec<u8> {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let size = &metrics["cssContentSize"];
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": {
                        "x": 0, "y": 0,
                        "width": size["width"], "height": size["height"],
                        "scale": 1,
                    },
                }),
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap()
    }

    /// A window whose page area is `width` CSS pixels wide.
    async fn set_width(&self, width: u32) {
        self.client.set_window_size(width, 900).await.unwrap();
        // The page area may be narrower than the window: make up the
        // difference once.
        let inner = self.js("return window.innerWidth").await.as_u64().unwrap() as u32;
        if inner != width {
            self.client
                .set_window_size(width + (width - inner.min(width)), 900)
                .await
                .unwrap();
        }
        let inner = self.js("return window.innerWidth").await;
        assert_eq!(inner, json!(width), "the page area is not {width} px wide");
    }
}

/// One page to check: its path, a name for its screenshots, and the CSS
/// selectors of elements that must be shown on it.
struct Page {
    name: &'static str,
    path: String,
    visible: &'static [&'static str],
}

/// Texts of all elements matching `selector`.
async fn texts(b: &Browser, selector: &str) -> Vec<String> {
    let mut all = Vec::new();
    for e in b.client.find_all(Locator::Css(selector)).await.unwrap() {
        all.push(e.text().await.unwrap());
    }
    all
}

async fn text(b: &Browser, selector: &str) -> String {
    b.client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("no {selector} on the page: {e}"))
        .text()
        .await
        .unwrap()
}

/// The elements wider than the page area, for the assertion's message:
/// the innermost ones that reach past the right edge.
const OVERFLOWING: &str = r#"
const w = document.documentElement.clientWidth;
const path = (e) => {
  const parts = [];
  for (let n = e; n && n.nodeType === 1 && n !== document.body; n = n.parentElement) {
    let s = n.tagName.toLowerCase();
    if (n.className && typeof n.className === 'string') s += '.' + n.className.trim().split(/\s+/).join('.');
    parts.unshift(s);
  }
  return parts.join(' > ');
};
const wide = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > w + 0.5);
return wide
  .filter((e) => !wide.some((o) => o !== e && e.contains(o)))
  .slice(0, 10)
  .map((e) => path(e) + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px)');
"#;

/// Whether the page is wider than the window (it scrolls sideways), and
/// if so, the elements that stick out.
async fn overflow(b: &Browser) -> Option<String> {
    let sizes = b
        .js("return [document.documentElement.scrollWidth, window.innerWidth]")
        .await;
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    (scroll > inner).then_some(())?;
    let wide = b.js(OVERFLOWING).await;
    Some(format!(
        "the page is {scroll} px wide, wider than the window ({inner} px); overflowing: {wide}"
    ))
}

/// What every page must be at every width: no CSP violation or other
/// error in the log, no horizontal overflow, its key elements shown.
async fn check_layout(b: &Browser, page: &Page, width: u32) {
    if let Some(wide) = overflow(b).await {
        panic!("{} at {width} px: {wide}", page.path);
    }
    for selector in page.visible {
        let e = b
            .client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{}: no {selector}: {e}", page.path));
        assert!(
            e.is_displayed().await.unwrap(),
            "{} at {width} px: {selector} is not shown",
            page.path
        );
        let (x, _, w, _) = e.rectangle().await.unwrap();
        assert!(
            x >= 0.0 && x + w <= f64::from(width) + 0.5,
            "{} at {width} px: {selector} reaches outside the window (x {x}, width {w})",
            page.path
        );
    }
    // The stylesheet loaded and applied: no page is unstyled.
    let sheets = b
        .js("return [...document.styleSheets].map((s) => s.cssRules.length)")
        .await;
    assert!(
        sheets
            .as_array()
            .is_some_and(|s| s.len() == 1 && s[0].as_u64() > Some(0)),
        "{}: the stylesheet did not load: {sheets}",
        page.path
    );
}

/// The log's entries that are CSP violations or errors (a missing
/// favicon aside: browsers ask for one unprompted).
fn problems(log: &[Value]) -> Vec<String> {
    log.iter()
        .filter(|e| {
            let message = e["message"].as_str().unwrap_or_default();
            (message.contains("Content Security Policy") || e["level"] == "SEVERE")
                && !message.contains("/favicon.ico")
        })
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn pages_in_a_real_browser() {
    if !browser_installed() {
        return;
    }
    let started = Instant::now();
    let (dir, data, work) = scratch();
    let server = Server::start(&data, None);
    let admin = server.admin.clone().unwrap();
    let url = server.url.clone();
    keygen(&work);
    let publish = |path: &Path| {
        ok(publish_with_key(
            &work,
            Some(&admin),
            &url,
            path.to_str().unwrap(),
            "skillseal.key",
        ));
    };
    let samples = repo().join("samples/benign");
    publish(&samples.join("weather-forecast"));
    // 2.2.0 runs a program too: a new capability and a new finding.
    let v220 = weather_variant(dir.path(), "2.2.0", |s| {
        s.replace("import sys\n", "import subprocess\nimport sys\n")
            .replace(
                "    r.raise_for_status()\n",
                "    r.raise_for_status()\n    subprocess.run([\"notify-send\", \"weather\"], check=False)\n",
            )
    });
    publish(&v220);
    publish(&samples.join("cron-expression-helper"));
    let (status, cron) = get_json(&format!("{url}/api/v1/skills/cron-expression-helper"));
    assert_eq!(status, 200, "{cron}");
    eprintln!("registry ready with 3 versions in {:?}", started.elapsed());

    let shots = screenshot_dir();
    in_browser(dir.path(), async |b: &Browser| {
        let pages = [
            Page {
                name: "home",
                path: "/".into(),
                visible: &[
                    "header a.brand",
                    "input[type=search]",
                    "section.counts",
                    "table.recent",
                ],
            },
            Page {
                name: "search",
                path: "/?q=weather".into(),
                visible: &["input[type=search]", "main h1", "ul.skills a"],
            },
            Page {
                name: "skill",
                path: "/skills/weather-forecast".into(),
                visible: &[
                    "main h1",
                    "pre.snippet",
                    "table.versions",
                    "table.versions .badge",
                ],
            },
            Page {
                name: "version",
                path: "/skills/weather-forecast/2.2.0".into(),
                visible: &[
                    "main h1 .badge",
                    "dl.facts",
                    "ul.capabilities",
                    "ul.diff",
                    "table.files",
                ],
            },
            Page {
                name: "version-review",
                path: "/skills/cron-expression-helper/1.2.0".into(),
                visible: &["main h1 .badge.review", "dl.facts", "table.files"],
            },
        ];
        for width in WIDTHS {
            b.set_width(width).await;
            for page in &pages {
                b.client.goto(&format!("{url}{}", page.path)).await.unwrap();
                check_content(b, page, &url).await;
                check_layout(b, page, width).await;
                let log = b.log().await;
                let bad = problems(&log);
                assert!(bad.is_empty(), "{} at {width} px: {bad:#?}", page.path);
                let png = b.full_screenshot().await;
                assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
                std::fs::write(shots.join(format!("{}-{width}.png", page.name)), png).unwrap();
            }
        }

        admin_login_page(b, &url, &shots).await;

        // The overflow check sees a page wider than the window.
        b.js(
            "const d = document.createElement('div'); d.style.width = '3000px'; \
              d.textContent = 'wide'; document.body.appendChild(d); return null",
        )
        .await;
        assert!(overflow(b).await.is_some(), "a 3000 px element went unseen");

        // The log check sees violations: a style the CSP refuses is
        // reported in it.
        b.js(
            "const s = document.createElement('style'); s.textContent = 'body{}'; \
              document.head.appendChild(s); return null",
        )
        .await;
        let log = b.log().await;
        assert!(
            problems(&log)
                .iter()
                .any(|m| m.contains("Content Security Policy")),
            "an inline style was not reported as a CSP violation: {log:#?}"
        );
    });
    eprintln!(
        "browser test done in {:?}; screenshots in {}",
        started.elapsed(),
        shots.display()
    );
}

/// A chromedriver and a Chromium session for `run`, with the profile and
/// chromedriver's log in `dir`.
fn in_browser(dir: &Path, run: impl AsyncFnOnce(&Browser)) {
    let driver = Driver::start(&dir.join("chromedriver.log"));
    let profile = dir.join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let b = Browser::start(&driver, &profile).await;
        run(&b).await;
        b.client.close().await.unwrap();
    });
}

/// The admin pages, used in the browser: sign in, make a token, revoke it.
/// (It found two bugs the handler tests could not: pages sent with
/// `Referrer-Policy: no-referrer` make a browser's form POST carry
/// `Origin: null`, which the same-origin rule refused; and a `pattern`
/// Chromium compiles with the `v` flag rejected an unescaped `-`.)
#[test]
fn admin_pages_in_a_real_browser() {
    if !browser_installed() {
        return;
    }
    let (dir, data, work) = scratch();
    let server = Server::start(&data, None);
    let admin = server.admin.clone().unwrap();
    let url = server.url.clone();
    keygen(&work);
    // Refused, for the list of refused publishes.
    let malicious = repo().join("samples/malicious/actions-workflow-lint");
    let refused = publish_with_key(
        &work,
        Some(&admin),
        &url,
        malicious.to_str().unwrap(),
        "skillseal.key",
    );
    assert_ne!(refused.status.code(), Some(0), "{}", stderr(&refused));
    let shots = screenshot_dir();
    in_browser(dir.path(), async |b: &Browser| {
        admin_pages(b, &url, &admin, &shots).await;
    });
}

/// What each page must show, read from the rendered DOM.
async fn check_content(b: &Browser, page: &Page, base: &str) {
    let title = b.client.title().await.unwrap();
    assert!(
        title.ends_with("· skillseal-registry"),
        "{}: title {title:?}",
        page.path
    );
    match page.name {
        "home" => {
            let skills = texts(b, "ul.skills li a").await;
            assert_eq!(
                skills,
                ["cron-expression-helper", "weather-forecast"],
                "home"
            );
            let recent = texts(b, "table.recent tbody tr").await;
            assert_eq!(recent.len(), 3, "home: recently published {recent:?}");
            let counts = texts(b, "section.counts .count").await;
            assert!(!counts.is_empty(), "home: no counts by verdict");
            let total: u64 = counts
                .iter()
                .map(|c| c.split_whitespace().last().unwrap().parse::<u64>().unwrap())
                .sum();
            assert_eq!(total, 3, "home: counts {counts:?}");
            assert!(
                counts.iter().any(|c| c.starts_with("review")),
                "home: no review count in {counts:?}"
            );
        }
        "search" => {
            assert_eq!(text(b, "main h1").await, "Skills matching “weather”");
            assert_eq!(texts(b, "ul.skills li a").await, ["weather-forecast"]);
            let query = b
                .client
                .find(Locator::Css("input[type=search]"))
                .await
                .unwrap();
            assert_eq!(query.attr("name").await.unwrap().as_deref(), Some("q"));
        }
        "skill" => {
            assert_eq!(text(b, "main h1").await, "weather-forecast");
            let rows = b
                .client
                .find_all(Locator::Css("table.versions tbody tr"))
                .await
                .unwrap();
            let mut versions = Vec::new();
            for row in rows {
                let version = row
                    .find(Locator::Css("td a"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let badge = row.find(Locator::Css(".badge")).await.unwrap();
                let class = badge.attr("class").await.unwrap().unwrap_or_default();
                let verdict = badge.text().await.unwrap();
                assert!(
                    ["pass", "review"].contains(&verdict.as_str()),
                    "skill: {version} has verdict {verdict}"
                );
                assert_eq!(class, format!("badge {verdict}"), "skill: {version}");
                versions.push(version);
            }
            assert_eq!(
                versions,
                ["2.2.0", "2.1.0"],
                "skill: versions, newest first"
            );
            let snippets = texts(b, "pre.snippet").await;
            assert!(
                snippets
                    .iter()
                    .any(|s| s == "skillseal add weather-forecast"),
                "skill: {snippets:?}"
            );
            let signers = texts(b, "dl.facts ul.plain li").await;
            assert_eq!(signers.len(), 1, "skill: signers {signers:?}");
        }
        "version" => {
            let h1 = text(b, "main h1").await;
            assert!(h1.starts_with("weather-forecast 2.2.0"), "version: {h1:?}");
            let facts = dl(b).await;
            let digest = &facts["Package digest"];
            assert!(
                digest.starts_with("sha256:") && digest.len() == 71,
                "version: digest {digest:?}"
            );
            assert!(facts["Bundle digest"].starts_with("sha256:"), "{facts:?}");
            assert!(
                facts["Transparency log"].contains("proof checked"),
                "version: {facts:?}"
            );
            // The digest shown is the registry's.
            let (_, api) = get_json_async(&format!("{base}/api/v1/skills/weather-forecast")).await;
            let listed = api.to_string();
            assert!(
                listed.contains(digest.as_str()),
                "version: {digest} not in {listed}"
            );
            let headings = texts(b, "main h2").await;
            for h in ["Capabilities", "Findings", "Since 2.1.0", "Files"] {
                assert!(
                    headings.iter().any(|x| x == h),
                    "version: no {h} in {headings:?}"
                );
            }
            let findings = texts(b, "section.file h3").await;
            assert!(
                findings.iter().any(|f| f.ends_with("weather.py")),
                "version: findings by file {findings:?}"
            );
            let excerpts = texts(b, "section.file .finding pre.code").await;
            assert!(
                excerpts.iter().any(|e| e.contains("subprocess")),
                "version: code excerpts {excerpts:?}"
            );
            let diff = texts(b, "ul.diff li").await;
            assert!(
                diff.iter()
                    .any(|d| d.starts_with("gains ") || d.starts_with("new finding ")),
                "version: the change from 2.1.0 {diff:?}"
            );
            let files = texts(b, "table.files tbody tr td:first-child").await;
            assert!(
                files.iter().any(|f| f == "SKILL.md"),
                "version: files {files:?}"
            );
            assert!(
                files.iter().any(|f| f == "scripts/weather.py"),
                "version: {files:?}"
            );
            let hashes = texts(b, "table.files code.hash").await;
            assert!(
                hashes.iter().all(|h| h.len() >= 64),
                "version: file hashes {hashes:?}"
            );
        }
        "version-review" => {
            let badge = text(b, "main h1 .badge").await;
            assert_eq!(badge, "review");
            let headings = texts(b, "main h2").await;
            assert!(
                headings.iter().any(|h| h == "Why review"),
                "the review verdict's reasons: {headings:?}"
            );
            assert!(!texts(b, "ul.reasons li").await.is_empty());
            assert!(!texts(b, "section.file .finding").await.is_empty());
        }
        other => unreachable!("{other}"),
    }
}

/// A page's `dl.facts` as term → description.
async fn dl(b: &Browser) -> std::collections::HashMap<String, String> {
    let terms = texts(b, "dl.facts > dt").await;
    let descriptions = texts(b, "dl.facts > dd").await;
    assert_eq!(terms.len(), descriptions.len());
    terms.into_iter().zip(descriptions).collect()
}

async fn get_json_async(url: &str) -> (u16, Value) {
    let resp = reqwest::get(url).await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The admin sign-in form, at both widths like the other pages.
async fn admin_login_page(b: &Browser, url: &str, shots: &Path) {
    let login = Page {
        name: "admin-login",
        path: "/admin".into(),
        visible: &["main h1", "form.admin input#token", "form.admin button"],
    };
    for width in WIDTHS {
        b.set_width(width).await;
        b.client.goto(&format!("{url}/admin")).await.unwrap();
        check_layout(b, &login, width).await;
        let bad = problems(&b.log().await);
        assert!(bad.is_empty(), "/admin (sign in) at {width} px: {bad:#?}");
        let png = b.full_screenshot().await;
        std::fs::write(shots.join(format!("admin-login-{width}.png")), png).unwrap();
    }
}

/// The admin pages in the browser: sign in with the admin token on the
/// form, make a token (shown once) and revoke it, the audit log's status
/// and the refused publish; the dashboard checked at both widths like the
/// other pages.
async fn admin_pages(b: &Browser, url: &str, admin: &str, shots: &Path) {
    b.set_width(1280).await;
    b.client.goto(&format!("{url}/admin")).await.unwrap();
    // Signing in: a real form POST, same origin, and the session cookie
    // the browser keeps (out of the page's reach: HttpOnly).
    fill(b, "token", admin).await;
    submit(b).await;
    wait_for(b, "table.tokens", "the dashboard after signing in").await;
    assert_eq!(b.client.current_url().await.unwrap().path(), "/admin");
    assert_eq!(b.js("return document.cookie").await, json!(""));
    let audit = text(b, "p.ok").await;
    assert!(audit.starts_with("intact: "), "audit log: {audit:?}");
    let refused = texts(b, "table.refused tbody tr").await;
    assert!(
        refused.iter().any(|r| r.contains("actions-workflow-lint")),
        "refused publishes: {refused:?}"
    );

    // A token made on the page, shown once.
    fill(b, "name", "reader").await;
    fill(b, "scope", "read").await;
    submit(b).await;
    let shown = wait_for(b, "section.created pre code", "the new token, shown once")
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.starts_with("skillseal_"), "new token: {shown:?}");
    // It works, with the scope given.
    let status = reqwest::Client::new()
        .get(format!("{url}/api/v1/skills"))
        .bearer_auth(&shown)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let row = reader_row(b).await;
    assert!(row.contains("active"), "the new token: {row:?}");

    // Revoked from its row.
    let rows = b
        .client
        .find_all(Locator::Css("table.tokens tbody tr"))
        .await
        .unwrap();
    let mut revoked = false;
    for tr in rows {
        if tr.text().await.unwrap().contains("reader") {
            tr.find(Locator::Css("form button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            revoked = true;
            break;
        }
    }
    assert!(revoked, "no row for the new token");
    wait_for(b, "table.tokens", "the dashboard after revoking").await;
    let row = reader_row(b).await;
    assert!(row.contains("revoked"), "after revoking: {row:?}");
    let bad = problems(&b.log().await);
    assert!(bad.is_empty(), "/admin: {bad:#?}");

    let dashboard = Page {
        name: "admin",
        path: "/admin".into(),
        visible: &["main h1", "table.tokens", "form.admin", "p.ok"],
    };
    for width in WIDTHS {
        b.set_width(width).await;
        b.client.goto(&format!("{url}/admin")).await.unwrap();
        check_layout(b, &dashboard, width).await;
        let bad = problems(&b.log().await);
        assert!(bad.is_empty(), "/admin at {width} px: {bad:#?}");
        let png = b.full_screenshot().await;
        std::fs::write(shots.join(format!("admin-{width}.png")), png).unwrap();
    }
}

/// The tokens table's row of the token made on the page.
async fn reader_row(b: &Browser) -> String {
    texts(b, "table.tokens tbody tr")
        .await
        .into_iter()
        .find(|r| r.contains("reader"))
        .expect("a row for the new token")
}

/// The element `selector` once it is there (ten seconds at most); if it
/// never comes, the page and the log that are there instead.
async fn wait_for(b: &Browser, selector: &str, what: &str) -> fantoccini::elements::Element {
    match b
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(selector))
        .await
    {
        Ok(e) => e,
        Err(e) => {
            let at = b.client.current_url().await.unwrap();
            let body = b.js("return document.body.innerText").await;
            let log = b.log().await;
            panic!("{what}: no {selector} ({e}) at {at}:\n{body}\nlog: {log:#?}");
        }
    }
}

/// Types `text` into the input with id `id`.
async fn fill(b: &Browser, id: &str, text: &str) {
    b.client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// Submits the admin form.
async fn submit(b: &Browser) {
    b.client
        .find(Locator::Css("form.admin button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}
