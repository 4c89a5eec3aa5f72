//! "Did you mean ...?" for mistyped exercise names.

/// The known name closest to `typed`, if it is close enough to be a likely
/// typo (or contains it, or is contained in it).
pub fn did_you_mean<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase().replace('-', "_");
    known
        .iter()
        .map(|&name| {
            let distance = if name.contains(typed_lower.as_str()) && !typed_lower.is_empty() {
                0
            } else {
                strsim::levenshtein(&typed_lower, name)
            };
            (distance, name)
        })
        .filter(|&(distance, name)| distance <= (name.len().max(typed.len()) / 3).max(2))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["ordered_results", "bounded_buffer", "semaphore"];

    #[test]
    fn a_typo_finds_the_name() {
        assert_eq!(
            did_you_mean("orderd_results", NAMES),
            Some("ordered_results")
        );
        assert_eq!(did_you_mean("semafore", NAMES), Some("semaphore"));
        assert_eq!(
            did_you_mean("bounded-buffer", NAMES),
            Some("bounded_buffer")
        );
    }

    #[test]
    fn a_part_of_the_name_finds_it() {
        assert_eq!(did_you_mean("buffer", NAMES), Some("bounded_buffer"));
    }

    #[test]
    fn an_unrelated_word_finds_nothing() {
        assert_eq!(did_you_mean("pipes", NAMES), None);
    }
}
