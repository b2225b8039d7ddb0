//! "Quoted as an example": the parts of a markdown body that the text
//! itself presents as an example of what not to do. Facts there are
//! reported at `info` and never decide a verdict, and an attacker writes
//! the whole text (and can read this module), so the rule is structural
//! and narrow. A part is quoted only when all of these hold:
//!
//! 1. **It is a unit**: a fenced or indented code block, a blockquote, an
//!    item of a list or a row of a table, or a prose line that starts with
//!    a bad-example marker ([`MARKER`]: "Bad:", "❌", "Never run `…`",
//!    "Red flag:", "Watch for"), with the lines that continue it.
//! 2. **The text introduces it as a bad example, directly**: the
//!    paragraph or list item right before it (nothing but blank lines in
//!    between) says so ([`INTRO`]: "example of a malicious …", a mention
//!    of attackers, "never run …", "red flag", "Bad:", "Don't:", "❌"); or
//!    it comes right after its section's heading; or, for a code block, its
//!    first line is a comment that says so. A marker line introduces
//!    itself. The items of a list introduced by a bare prohibition
//!    ("Never:") are read as prohibitions.
//! 3. **Its section is about attacks**: its nearest heading names attacks,
//!    threats, red flags, malicious or dangerous patterns, what not to do
//!    ([`ATTACK_HEADING`]); a subsection's heading may instead inherit this
//!    from an enclosing heading of level 2 or deeper, never from a level-1
//!    title above it. Text before any heading is in no section.
//! 4. **It is not the skill's own instruction**: no heading from the
//!    nearest up to (not including) a level-1 title is about setup,
//!    installation, prerequisites, usage, a quick start, steps or a
//!    platform ([`SETUP_HEADING`]); and neither the introduction, the
//!    first comment of a code block, a list item nor a marker line tells
//!    anyone to run, execute, paste, copy, install, launch or follow
//!    something, or points to a terminal ([`INSTRUCTS`]), once plain
//!    prohibitions ("never run", "do not paste or execute") are taken out
//!    ([`NEGATED`]); nor does the paragraph right after it tell anyone to
//!    run it ([`REFERS_BACK`]: "now run the command above"). An
//!    introduction or heading that carries invisible characters, or a word
//!    mixing Latin letters with another script, counts as an instruction.
//!
//! One warning sentence therefore quotes nothing: not the rest of its
//! section, not a document under its title, and a blockquote is no
//! different from a paragraph. Hidden text is never an example: a unit
//! holding an HTML comment or an invisible character is not quoted, and
//! hidden-text findings are never lowered anyway (the matcher's rule).
//!
//! The word lists are short and structural: the words real attack
//! catalogues put in their headings ("Red flags", "Dangerous patterns",
//! "Data exfiltration", "What not to do") and in the sentence or label
//! that introduces a bad example. Knowing them does not help an attacker:
//! a payload the skill wants run has to be introduced as something not to
//! run, outside every setup section, and without an instruction to run it;
//! `tests/laundering_quotes.rs` places every word of these lists before
//! payloads the text tells the reader to run.
//!
//! What this cannot see: a sentence elsewhere that points at an example
//! ("run the command under Red flags"), or an instruction phrased without
//! these verbs. Such a skill still shows its payload as a documented bad
//! example, and every quoted finding is still listed, at `info`.

use regex::Regex;
use std::sync::LazyLock;

/// A heading: the byte range of its source (markup included) and level.
pub(super) struct Heading {
    pub start: usize,
    pub end: usize,
    pub level: u8,
}

/// An outermost list or a table: where it starts and its items' (rows')
/// byte ranges.
pub(super) struct List {
    pub start: usize,
    pub items: Vec<(usize, usize)>,
}

/// What the markdown walk found that quoting depends on; byte ranges of
/// the body, in document order.
#[derive(Default)]
pub(super) struct Structure {
    pub headings: Vec<Heading>,
    /// Code blocks, fences included.
    pub code: Vec<(usize, usize)>,
    /// Outermost blockquotes.
    pub quotes: Vec<(usize, usize)>,
    /// Outermost lists, and tables.
    pub lists: Vec<List>,
    /// HTML comments: hidden from the rendered page.
    pub hidden: Vec<(usize, usize)>,
}

/// Words of a heading whose section catalogues attacks.
pub const ATTACK_HEADING: &str = r"(?i)\bred[\s-]?flags?\b|\bwarning\s+signs?\b|\battack(s|ers?)?\b|\bthreats?\b|\bmalicious\b|\bmalware\b|\bdangerous\b|\bunsafe\b|\binsecure\b|\bvulnerab\w*|\bexploit\w*|\banti-?patterns?\b|\bbad\s+(examples?|patterns?|practices?|code)\b|\bwhat\s+not\s+to\s+do\b|\bdon'?ts\b|\bavoid\b|\bnever\b|\bexfiltrat\w*|\binjection\b|\bbackdoors?\b|\breverse\s+shells?\b|\btheft\b|\bstealers?\b|\bobfuscat\w*|\bphishing\b|\bsocial\s+engineering\b|\bindicators?\b|\blooks?\s+for\b|\bwatch\s+(out\s+)?for\b|\bsuspicious\b|\bpitfalls?\b|\bmistakes\b|\bjailbreaks?\b|\bpoison\w*";

/// Words of a heading whose section is the skill's own instructions: a
/// code block there is never an example, whatever else the heading says.
pub const SETUP_HEADING: &str = r"(?i)\binstall(ation|ing|s)?\b|\bset\s*-?\s*up\b|\bprerequisites?\b|\brequirements?\b|\bdependenc(y|ies)\b|\bgetting\s+started\b|\bquick\s*-?\s*start\b|\busage\b|\bhow\s+to\s+use\b|\bsteps?\b|\bworkflow\b|\binstructions?\b|\bbootstrap\w*|\bbefore\s+you\s+(begin|start)\b|\bimportant\b|\bfor\s+(mac\s*os|windows|linux)\b|\bonboarding\b|\brun(ning)?\b";

/// What introduces a bad example: a label ("Bad:", "❌", "Don't:", a
/// comment in capitals such as `# VULNERABLE`), "red flag", "example of a
/// malicious …", a mention of attackers, a payload or exploit, "never run
/// …".
pub const INTRO: &str = r"(?i)❌|✗|✘|🚫|⛔|\bred[\s-]?flags?\b|\bwarning\s+signs?\b|\banti-?patterns?\b|\bwhat\s+not\s+to\s+do\b|\b(bad|wrong|incorrect|insecure|vulnerable|unsafe|dangerous|malicious|evil)\s+(\w+\s+)?(examples?|patterns?|code|commands?|snippets?|usage|practices?|payloads?|instructions?|skills?|scripts?|versions?|lines?)\b|\bexamples?\s+of\s+(\w+\s+){0,3}?(malicious|dangerous|unsafe|insecure|vulnerable|bad|attacks?|phishing|injection|exfiltration|malware|backdoors?)\b|\b(attackers?|adversar(y|ies)|threat\s+actors?)\b|\b(never|do\s+not|don'?t|avoid)\s+(\w+\s+)?(run|execute|paste|copy|install|use|follow|do|write|trust|allow|accept)\b|\b(bad|wrong|incorrect|don'?t|dont|avoid|never|vulnerable|insecure|unsafe|dangerous|malicious)\s*[:(—–]|\b(payloads?|exploits?|proof[\s-]of[\s-]concept|PoC)\b|(?-i:\b(BAD|WRONG|VULNERABLE|INSECURE|UNSAFE|DANGEROUS|MALICIOUS)\b)";

/// A marker at the start of a prose line that makes the line its own
/// bad example.
pub const MARKER: &str = r"(?i)^(❌|✗|✘|🚫|⛔|red[\s-]?flags?\b|(bad|wrong|incorrect|vulnerable|insecure|unsafe|dangerous|malicious)\s*[:(—–]|(never|do\s+not|don'?t|dont|avoid|beware)\b|watch\s+(out\s+)?for\b|look\s+out\s+for\b)";

/// A prohibition, taken out before looking for an instruction: a negation,
/// at most one adverb, verbs joined by "or", "and" or "/", and the rest of
/// the clause (to a comma or stronger punctuation).
pub const NEGATED: &str = r"(?i)\b(never|not|don'?t|doesn'?t|dont|avoid|without)\s+((ever|blindly|just|simply|directly|manually|automatically|accidentally|yourself|also)\s+)?(run|execute|paste|copy|install|invoke|launch|follow)(\s*(/|\bor\b|\band\b)\s*(run|execute|paste|copy|install|invoke|launch|follow))*\b[^.,;:!?\n|]*";

/// An instruction to run what came before: "run the command above",
/// "now paste it".
pub const REFERS_BACK: &str = r"(?im)(?:^|[.!?:;,(|]|\b(?:to|please|then|now|first|next|finally|later|also|simply|just|must|should|will|can|you|we|agent|user)\b)[\s*_>+-]*(?:\d+[.)]\s*)?(run|execute|paste|copy|install|invoke|launch|follow|use|try)\s+((\w+\s+){0,3}?(above|it|this|that|these|them)\b|(the|that|this)\s+(\w+\s+)?(commands?|snippets?|lines?|code|examples?|blocks?|one|steps?)\b)";

/// An exception to a prohibition ("never run anything except this").
pub const EXCEPTION: &str = r"(?i)\b(except|unless|other\s+than|apart\s+from|besides)\b|\bbut\s+(this|these|that|it|the\s+following)\b";

/// An introduction that ends in a bare prohibition ("Never:", "Do not:"),
/// which the items of the list after it complete.
pub const PROHIBITION: &str =
    r"(?i)\b(never|don'?t|dont|do\s+not|avoid|must\s+not|should\s+not)\s*:\W*$";

/// An instruction to run something: a verb where an imperative stands, or
/// a terminal.
pub const INSTRUCTS: &str = r"(?im)(?:^|[.!?:;,(|]|\b(?:to|please|then|now|first|next|finally|later|instead|also|simply|rather|always|only|immediately|just|must|should|shall|will|can|you|we|agent|user)\b)[\s*_>+-]*(?:\d+[.)]\s*)?(run|execute|paste|copy|install|invoke|launch|follow)\b|\b(your|the|a)\s+(terminal|console|command\s+line)\b|\byour\s+shell\b|\b(powershell|cmd\.exe)\b";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a quoting pattern is valid")
}

static ATTACK: LazyLock<Regex> = LazyLock::new(|| regex(ATTACK_HEADING));
static SETUP: LazyLock<Regex> = LazyLock::new(|| regex(SETUP_HEADING));
static INTRO_RE: LazyLock<Regex> = LazyLock::new(|| regex(INTRO));
static MARKER_RE: LazyLock<Regex> = LazyLock::new(|| regex(MARKER));
static NEGATED_RE: LazyLock<Regex> = LazyLock::new(|| regex(NEGATED));
static PROHIBITION_RE: LazyLock<Regex> = LazyLock::new(|| regex(PROHIBITION));
static REFERS_BACK_RE: LazyLock<Regex> = LazyLock::new(|| regex(REFERS_BACK));
static EXCEPTION_RE: LazyLock<Regex> = LazyLock::new(|| regex(EXCEPTION));
static INSTRUCTS_RE: LazyLock<Regex> = LazyLock::new(|| regex(INSTRUCTS));

/// The quoted byte ranges of `body` (unsorted, may overlap).
pub(super) fn ranges(body: &str, s: &Structure) -> Vec<(usize, usize)> {
    let sections = Sections::new(body, &s.headings);
    let mut out = Vec::new();
    for &(start, end) in &s.code {
        if sections.quotable(start) && code_introduced(body, s, start, end) {
            out.push((start, end));
        }
    }
    for &(start, end) in &s.quotes {
        if sections.quotable(start) && introduced(&intro(body, s, start)) {
            out.push((start, end));
        }
    }
    for list in &s.lists {
        let before = intro(body, s, list.start);
        if !sections.quotable(list.start) || !introduced(&before) {
            continue;
        }
        // "Never:" before a list makes each item a prohibition.
        let never = match &before {
            Intro::Text(t) => PROHIBITION_RE.is_match(&normalise(t)),
            _ => false,
        };
        for &(start, end) in &list.items {
            let item = prose_of(body, s, start, end);
            let item = if never {
                format!("never {}", strip_markup(item))
            } else {
                item.to_string()
            };
            if !instructs(&item) {
                out.push((start, end));
            }
        }
    }
    marker_lines(body, s, &sections, &mut out);
    // Hidden text is never an example: a unit holding an HTML comment or
    // an invisible character is not quoted at all.
    // Nor is an example the text after it tells the reader to run ("Now
    // run the command above").
    out.retain(|&(start, end)| {
        let i = s.hidden.partition_point(|h| h.1 <= start);
        let hides = s.hidden.get(i).is_some_and(|h| h.0 < end);
        !(hides || body[start..end].chars().any(invisible) || refers_back(&after(body, s, end)))
    });
    out
}

/// The paragraph or list item right after `end` (blank lines skipped).
fn after(body: &str, s: &Structure, end: usize) -> String {
    const MAX_LINES: usize = 12;
    let (mut pos, mut lines) = (end, 0);
    let mut text = String::new();
    for line in body[end..].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let heading = s.headings.partition_point(|h| h.start <= start);
        if within(&s.code, start)
            || heading
                .checked_sub(1)
                .is_some_and(|h| start < s.headings[h].end)
        {
            break;
        }
        if line
            .trim_matches(|c: char| c.is_whitespace() || c == '>')
            .is_empty()
        {
            if lines > 0 {
                break;
            }
            continue;
        }
        text.push_str(line);
        lines += 1;
        if lines >= MAX_LINES {
            break;
        }
    }
    text
}

/// Whether `text` tells its reader to run what came before it.
fn refers_back(text: &str) -> bool {
    if text.is_empty() {
        return false;
    }
    if disguised(text) {
        return true;
    }
    let prose = without_code_spans(text);
    REFERS_BACK_RE.is_match(&NEGATED_RE.replace_all(&prose, " "))
}

/// `text` normalised, with the code spans it quotes blanked out.
fn without_code_spans(text: &str) -> String {
    let text = normalise(text);
    let mut prose = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        prose.push_str(if i % 2 == 0 { part } else { " " });
    }
    prose
}

/// For each heading, whether its section may quote: an attack heading
/// (its own, or inherited from an enclosing heading below level 1) and no
/// setup heading on the same way up.
struct Sections {
    starts: Vec<usize>,
    ends: Vec<usize>,
    quotable: Vec<bool>,
}

impl Sections {
    fn new(body: &str, headings: &[Heading]) -> Self {
        let n = headings.len();
        let (mut attack, mut setup) = (vec![false; n], vec![false; n]);
        let mut open: Vec<usize> = Vec::new();
        for (i, h) in headings.iter().enumerate() {
            while open.last().is_some_and(|&p| headings[p].level >= h.level) {
                open.pop();
            }
            let text = normalise(&body[h.start..h.end]);
            attack[i] = ATTACK.is_match(&text);
            setup[i] = SETUP.is_match(&text) || disguised(&body[h.start..h.end]);
            if let Some(&p) = open.last()
                && headings[p].level >= 2
            {
                attack[i] |= attack[p];
                setup[i] |= setup[p];
            }
            open.push(i);
        }
        Sections {
            starts: headings.iter().map(|h| h.start).collect(),
            ends: headings.iter().map(|h| h.end).collect(),
            quotable: attack.iter().zip(&setup).map(|(a, s)| *a && !*s).collect(),
        }
    }

    /// Whether the section holding `pos` may quote (a heading itself
    /// never is quoted).
    fn quotable(&self, pos: usize) -> bool {
        let i = self.starts.partition_point(|&s| s <= pos);
        i.checked_sub(1)
            .is_some_and(|h| pos >= self.ends[h] && self.quotable[h])
    }
}

/// What comes right before a unit.
enum Intro {
    /// Nothing: the start of the body, or another code block.
    Nothing,
    /// The unit's section heading.
    Heading,
    /// A paragraph or list item.
    Text(String),
}

/// Whether a blockquote or list is introduced as a bad example.
fn introduced(intro: &Intro) -> bool {
    match intro {
        Intro::Nothing => false,
        Intro::Heading => true,
        Intro::Text(t) => !instructs(t) && INTRO_RE.is_match(&normalise(t)),
    }
}

/// Whether a code block is introduced as a bad example, by what precedes
/// it or by a comment on its first line; an instruction in either rules
/// it out.
fn code_introduced(body: &str, s: &Structure, start: usize, end: usize) -> bool {
    let block = &body[start..end];
    let fenced = block.trim_start().starts_with("```") || block.trim_start().starts_with("~~~");
    let first = block.lines().nth(usize::from(fenced)).unwrap_or("").trim();
    let comment = ["#", "//", "--", "/*", "<!--", ";", "REM "]
        .iter()
        .any(|c| first.starts_with(c))
        .then_some(first);
    if comment.is_some_and(instructs) {
        return false;
    }
    let by_comment = comment.is_some_and(|c| INTRO_RE.is_match(&normalise(c)));
    match intro(body, s, start) {
        Intro::Nothing => by_comment,
        Intro::Heading => true,
        Intro::Text(t) => !instructs(&t) && (by_comment || INTRO_RE.is_match(&normalise(&t))),
    }
}

/// The paragraph or list item right before `pos` (blank lines skipped),
/// or the heading or code block there.
fn intro(body: &str, s: &Structure, pos: usize) -> Intro {
    const MAX_LINES: usize = 12;
    let mut cursor = body[..pos].rfind('\n').map_or(0, |i| i + 1);
    let (mut first, mut last) = (None, 0);
    let mut lines = 0;
    while cursor > 0 {
        let end = cursor - 1;
        let start = body[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &body[start..end];
        if within(&s.code, start) || within(&s.code, end.saturating_sub(1)) {
            break;
        }
        let heading = s.headings.partition_point(|h| h.start <= start);
        if heading
            .checked_sub(1)
            .is_some_and(|h| start < s.headings[h].end)
        {
            if first.is_none() {
                return Intro::Heading;
            }
            break;
        }
        if line
            .trim_matches(|c: char| c.is_whitespace() || c == '>')
            .is_empty()
        {
            if first.is_some() {
                break;
            }
            cursor = start;
            continue;
        }
        if first.is_none() {
            last = end;
        }
        first = Some(start);
        lines += 1;
        if starts_item(line) || lines >= MAX_LINES {
            break;
        }
        cursor = start;
    }
    match first {
        Some(f) => Intro::Text(body[f..last].to_string()),
        None => Intro::Nothing,
    }
}

/// Whether `pos` lies in one of the sorted, disjoint `ranges`.
fn within(ranges: &[(usize, usize)], pos: usize) -> bool {
    let i = ranges.partition_point(|r| r.0 <= pos);
    i.checked_sub(1).is_some_and(|i| pos < ranges[i].1)
}

/// A line's text without blockquote marks, list markers and emphasis.
fn strip_markup(line: &str) -> &str {
    let mut rest = line.trim_start_matches(|c: char| c.is_whitespace() || c == '>');
    if let Some(r) = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))
        .or_else(|| rest.strip_prefix("+ "))
    {
        rest = r;
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0
            && let Some(r) = rest[digits..]
                .strip_prefix(". ")
                .or_else(|| rest[digits..].strip_prefix(") "))
        {
            rest = r;
        }
    }
    rest.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '_' || c == '[')
        .trim_start_matches("[ ] ")
}

/// Whether a line starts a list item.
fn starts_item(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| c.is_whitespace() || c == '>');
    if ["- ", "* ", "+ "].iter().any(|m| rest.starts_with(m)) {
        return true;
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") "))
}

/// A list item's prose: its text up to its first code block.
fn prose_of<'a>(body: &'a str, s: &Structure, start: usize, end: usize) -> &'a str {
    let i = s.code.partition_point(|r| r.0 < start);
    let stop = s.code.get(i).map_or(end, |r| r.0.min(end));
    &body[start..stop]
}

/// Prose lines that start with a bad-example marker, with the lines that
/// continue them (to a blank line, heading, code block or list item).
fn marker_lines(body: &str, s: &Structure, sections: &Sections, out: &mut Vec<(usize, usize)>) {
    let mut offset = 0;
    let mut lines = body.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        if crate::budget::tick() {
            return;
        }
        let start = offset;
        offset += line.len();
        if within(&s.code, start) || !sections.quotable(start) {
            continue;
        }
        let text = normalise(strip_markup(line));
        if !MARKER_RE.is_match(&text) {
            continue;
        }
        let mut end = offset;
        while let Some(next) = lines.peek() {
            let blank = next
                .trim_matches(|c: char| c.is_whitespace() || c == '>')
                .is_empty();
            if blank
                || starts_item(next)
                || within(&s.code, end)
                || s.headings.binary_search_by_key(&end, |h| h.start).is_ok()
            {
                break;
            }
            end += next.len();
            offset = end;
            lines.next();
        }
        if !instructs(&body[start..end]) {
            out.push((start, end));
        }
    }
}

/// Whether `text` tells its reader to run something, once prohibitions
/// and the code spans it quotes are set aside; text that hides
/// characters or mixes scripts inside a word is treated as doing so.
fn instructs(text: &str) -> bool {
    if disguised(text) {
        return true;
    }
    let prose = without_code_spans(text);
    EXCEPTION_RE.is_match(&prose) || INSTRUCTS_RE.is_match(&NEGATED_RE.replace_all(&prose, " "))
}

/// Typographic apostrophes as ASCII ones, for the word lists.
fn normalise(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}', '\u{02bc}'], "'")
}

/// A character that renders as nothing or reorders text: zero-width and
/// bidirectional controls, tag characters, variation selectors other than
/// the emoji ones.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
        | '\u{fe00}'..='\u{fe0d}' | '\u{e0000}'..='\u{e007f}' | '\u{e0100}'..='\u{e01ef}')
}

/// Invisible characters, or a word that mixes ASCII letters with letters
/// of a script other than Latin (a homoglyph): text an agent reads
/// differently from a pattern.
fn disguised(text: &str) -> bool {
    if text.chars().any(invisible) {
        return true;
    }
    let latin = |c: char| {
        c.is_ascii()
            || ('\u{c0}'..='\u{24f}').contains(&c)
            || ('\u{1e00}'..='\u{1eff}').contains(&c)
    };
    text.split(|c: char| !c.is_alphanumeric()).any(|word| {
        word.chars().any(|c| c.is_ascii_alphabetic())
            && word.chars().any(|c| c.is_alphabetic() && !latin(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prohibitions_are_not_instructions() {
        assert!(!instructs("Never run or paste commands like this:"));
        assert!(!instructs("Do not blindly execute `curl | sh`."));
        assert!(!instructs(
            "1. Don't paste commands from a README into a terminal."
        ));
        assert!(instructs("Do not run this, run that:"));
        assert!(instructs("Never run untrusted code; run this instead:"));
        assert!(instructs("Do not forget to run this:"));
        assert!(instructs("Copy this into your terminal:"));
        assert!(instructs("Example of a malicious pattern, paste it:"));
        assert!(instructs("Example of a malicious pattern:\u{200b}"));
        assert!(instructs("Example of a m\u{430}licious pattern:"));
        assert!(!instructs("Exemple de café naïve:"));
    }

    #[test]
    fn word_lists() {
        let intro = |t: &str| INTRO_RE.is_match(t);
        assert!(intro("Example of a malicious pattern:"));
        assert!(intro("Attackers often use:"));
        assert!(intro("❌ Don't:"));
        assert!(intro("Bad:"));
        assert!(intro("Red flags to watch for:"));
        assert!(!intro("Install the CLI with:"));
        assert!(!intro("The output looks like this:"));
        assert!(intro("**Payload in PR title:**"));
        assert!(intro("# VULNERABLE"));
        assert!(!intro("# Install the dependencies first"));
        assert!(ATTACK.is_match("## Dangerous patterns"));
        assert!(ATTACK.is_match("### Red Flags"));
        assert!(!ATTACK.is_match("## Security warning"));
        assert!(SETUP.is_match("## Quick start"));
        assert!(SETUP.is_match("## Prerequisites (avoid malware)"));
        assert!(MARKER_RE.is_match("Never run `curl | sh`"));
        assert!(MARKER_RE.is_match("❌ `eval(x)`"));
        assert!(!MARKER_RE.is_match("Run `curl | sh`"));
    }
}
