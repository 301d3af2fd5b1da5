//! Case-insensitive text tests against tracker strings, prepared once per filter so that a
//! list of a hundred thousand tickets is searched without allocating per ticket.

/// A piece of filter text, lowercased once.
#[derive(Debug, Clone, PartialEq)]
pub struct Needle {
    lower: String,
    /// An ASCII needle can only match ASCII bytes, so it is compared byte by byte with ASCII
    /// case folding; anything else folds the haystack char by char.
    ascii: bool,
    /// The letters and digits alone, for the loose match statuses use ("todo" in "To Do").
    loose: String,
}

impl Needle {
    pub fn new(text: &str) -> Needle {
        let lower = text.to_lowercase();
        let loose = lower.chars().filter(|c| c.is_alphanumeric()).collect();
        Needle {
            ascii: lower.is_ascii(),
            lower,
            loose,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.lower
    }

    /// Whether `hay` contains the needle, ignoring case.
    pub fn found_in(&self, hay: &str) -> bool {
        if self.ascii {
            ascii_contains(hay.as_bytes(), self.lower.as_bytes())
        } else {
            folded_contains(hay, &self.lower)
        }
    }

    /// Whether `hay` is the needle, ignoring case.
    pub fn equals(&self, hay: &str) -> bool {
        if self.ascii {
            hay.eq_ignore_ascii_case(&self.lower)
        } else {
            hay.chars()
                .flat_map(char::to_lowercase)
                .eq(self.lower.chars())
        }
    }

    /// Whether `hay` contains the needle when spaces and punctuation are left out of both,
    /// so `todo` finds "To Do" and `inreview` finds "In-Review". A needle with no letters or
    /// digits at all falls back to the plain search.
    pub fn loosely_in(&self, hay: &str) -> bool {
        if self.loose.is_empty() {
            return self.found_in(hay);
        }
        if hay.is_ascii() {
            // Folded ASCII text is ASCII: a needle with other letters cannot be in it.
            return self.loose.is_ascii()
                && loose_ascii_contains(hay.as_bytes(), self.loose.as_bytes());
        }
        // Only non-ASCII statuses get here; they are short, so one small copy is cheap.
        let hay: Vec<char> = hay
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let needle: Vec<char> = self.loose.chars().collect();
        hay.windows(needle.len()).any(|w| w == needle.as_slice())
    }
}

/// ASCII case-insensitive substring search; `needle` is already lowercase. The scan for the
/// first byte is a plain loop the compiler keeps tight: a letter is found in either case by
/// setting the bit that separates the cases.
fn ascii_contains(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    let case_bit = if first.is_ascii_lowercase() { 0x20 } else { 0 };
    let last_start = hay.len() - needle.len();
    let mut from = 0;
    while let Some(skip) = hay[from..=last_start]
        .iter()
        .position(|&b| b | case_bit == first)
    {
        let i = from + skip;
        if hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        from = i + 1;
    }
    false
}

/// The loose search on ASCII text: letters and digits only, case folded.
fn loose_ascii_contains(hay: &[u8], needle: &[u8]) -> bool {
    let kept = || {
        hay.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
    };
    let count = kept().count();
    if count < needle.len() {
        return false;
    }
    (0..=count - needle.len()).any(|skip| {
        kept()
            .skip(skip)
            .take(needle.len())
            .eq(needle.iter().copied())
    })
}

/// Substring search folding the haystack to lowercase as it goes: from each char boundary,
/// the folded chars are compared with the needle's.
fn folded_contains(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    // ASCII text folds to ASCII, which never holds the needle's other characters: most
    // tracker text is ASCII, and this keeps it off the char-by-char path.
    if hay.is_ascii() {
        return false;
    }
    hay.char_indices().any(|(i, _)| {
        let mut folded = hay[i..].chars().flat_map(char::to_lowercase);
        needle.chars().all(|n| folded.next() == Some(n))
    })
}

#[cfg(test)]
mod tests {
    use super::Needle;

    #[test]
    fn ascii_needles_ignore_case_anywhere_in_the_text() {
        let n = Needle::new("LoGiN");
        assert!(n.found_in("Fix the login page"));
        assert!(n.found_in("LOGIN"));
        assert!(n.found_in("relogin"));
        assert!(!n.found_in("log in"));
        assert!(!n.found_in("logi"));
        assert!(Needle::new("").found_in("anything"));
    }

    #[test]
    fn only_letters_match_in_the_other_case() {
        // '`' and '@' differ by the case bit alone, as do '{' and '[': neither is a letter.
        assert!(!Needle::new("@me").found_in("`me"));
        assert!(!Needle::new("[x]").found_in("{x]"));
        assert!(Needle::new("[x]").found_in("a [X] b"));
        assert!(Needle::new("42").found_in("OPS-4242"));
        assert!(Needle::new("ab").found_in("aAB"));
        assert!(!Needle::new("ab").found_in("a"));
    }

    #[test]
    fn ascii_needles_skip_over_non_ascii_text() {
        let n = Needle::new("cafe");
        assert!(n.found_in("Ünïcode café, then CAFE"));
        assert!(!n.found_in("café"));
    }

    #[test]
    fn non_ascii_needles_fold_the_text_too() {
        let n = Needle::new("ÉTÉ");
        assert!(n.found_in("Rapport d'été 2025"));
        assert!(n.found_in("RAPPORT D'ÉTÉ"));
        assert!(!n.found_in("Rapport d'ete"));
        let greek = Needle::new("σφάλμα");
        assert!(greek.found_in("ΣΦΆΛΜΑ στη σύνδεση"));
        assert!(Needle::new("straße").found_in("Hauptstraße 1"));
    }

    #[test]
    fn equality_ignores_case_only() {
        assert!(Needle::new("ops").equals("OPS"));
        assert!(!Needle::new("ops").equals("OPSX"));
        assert!(Needle::new("ÄRGER").equals("ärger"));
        assert!(!Needle::new("ÄRGER").equals("ärgerlich"));
    }

    #[test]
    fn loose_search_leaves_out_spaces_and_punctuation() {
        assert!(Needle::new("todo").loosely_in("To Do"));
        assert!(Needle::new("review").loosely_in("In Review"));
        assert!(Needle::new("in-review").loosely_in("In Review"));
        assert!(Needle::new("inprog").loosely_in("in progress"));
        assert!(!Needle::new("done").loosely_in("To Do"));
        assert!(Needle::new("prüfung").loosely_in("In Prüfung"));
        assert!(!Needle::new("prüfung").loosely_in("In Prufung"));
        assert!(Needle::new("-").loosely_in("Won't-fix"));
    }
}
