//! A tiny `--name value` reader: the two binaries take a handful of options, and clap would
//! cost more to compile than they do.

use std::collections::VecDeque;
use std::str::FromStr;

/// The command line after the program name, consumed option by option; [`finish`](Self::finish)
/// rejects whatever was not asked for.
#[derive(Debug)]
pub struct Args {
    pairs: Vec<(String, Option<String>)>,
}

impl Args {
    /// Reads `std::env::args()`.
    pub fn from_env() -> Result<Self, String> {
        Self::parse(std::env::args().skip(1))
    }

    /// Reads `--name value`, `--name=value` and bare `--flag` items.
    pub fn parse(items: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut items: VecDeque<String> = items.into_iter().collect();
        let mut pairs = Vec::new();
        while let Some(item) = items.pop_front() {
            let Some(name) = item.strip_prefix("--") else {
                return Err(format!(
                    "unexpected argument {item:?} (options are --name value)"
                ));
            };
            if let Some((name, value)) = name.split_once('=') {
                pairs.push((name.to_owned(), Some(value.to_owned())));
            } else if items.front().is_some_and(|next| !next.starts_with("--")) {
                pairs.push((name.to_owned(), items.pop_front()));
            } else {
                pairs.push((name.to_owned(), None));
            }
        }
        Ok(Self { pairs })
    }

    /// Every value of `--name` (repeatable options), removed from what is left.
    pub fn all(&mut self, name: &str) -> Result<Vec<String>, String> {
        let mut values = Vec::new();
        let mut rest = Vec::new();
        for (n, v) in self.pairs.drain(..) {
            if n == name {
                values.push(v.ok_or_else(|| format!("--{name} needs a value"))?);
            } else {
                rest.push((n, v));
            }
        }
        self.pairs = rest;
        Ok(values)
    }

    /// The value of `--name`, if given (the last one wins).
    pub fn opt(&mut self, name: &str) -> Result<Option<String>, String> {
        Ok(self.all(name)?.pop())
    }

    /// The value of `--name` parsed as `T`, or `default`.
    pub fn get<T: FromStr>(&mut self, name: &str, default: T) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        match self.opt(name)? {
            Some(v) => v.parse().map_err(|e| format!("--{name} {v:?}: {e}")),
            None => Ok(default),
        }
    }

    /// Whether the bare flag `--name` was given.
    pub fn flag(&mut self, name: &str) -> Result<bool, String> {
        let mut found = false;
        for (n, v) in &self.pairs {
            if n == name {
                if let Some(v) = v {
                    return Err(format!("--{name} takes no value (got {v:?})"));
                }
                found = true;
            }
        }
        self.pairs.retain(|(n, _)| n != name);
        Ok(found)
    }

    /// An error naming the first option nobody asked for.
    pub fn finish(self) -> Result<(), String> {
        match self.pairs.first() {
            Some((name, _)) => Err(format!("unknown option --{name}")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Args {
        Args::parse(s.split_whitespace().map(str::to_owned)).unwrap()
    }

    #[test]
    fn reads_values_flags_and_repeats() {
        let mut a = args("--url a --count=5 --url b --quiet --rate 0.5");
        assert_eq!(a.all("url").unwrap(), ["a", "b"]);
        assert_eq!(a.get("count", 1usize).unwrap(), 5);
        assert!(a.flag("quiet").unwrap());
        assert!(!a.flag("loud").unwrap());
        assert_eq!(a.get("rate", 0.0f64).unwrap(), 0.5);
        assert_eq!(a.get("missing", 7u32).unwrap(), 7);
        a.finish().unwrap();
    }

    #[test]
    fn rejects_unknown_and_malformed() {
        let mut a = args("--count x --other 1");
        assert!(
            a.get("count", 1usize)
                .unwrap_err()
                .contains("--count \"x\"")
        );
        assert_eq!(a.finish().unwrap_err(), "unknown option --other");
        assert!(Args::parse(["stray".to_owned()]).is_err());
        assert!(
            args("--url")
                .opt("url")
                .unwrap_err()
                .contains("needs a value")
        );
    }
}
