//! Options with a fixed set of named values (an output format, a language, a floating-point
//! format): each lists its values with their names and one line of help, and parses from its
//! name ([`std::str::FromStr`]), so that a front end (the command line, the Python package) can
//! offer and read them without the library knowing that front end.

use std::fmt;

/// An option with a fixed set of named values.
pub trait Choice: Copy + PartialEq + fmt::Debug + 'static {
    /// Every value in the order offered, with its name and one line of help (a sentence).
    const ALL: &'static [(Self, &'static str, &'static str)];

    /// The name of the value (`json`, `pt`, `f32`).
    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(v, _, _)| *v == self)
            .map(|(_, name, _)| *name)
            .expect("every value is listed")
    }

    /// The value of a name, if it names one.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(v, _, _)| *v)
    }

    /// Every name, in the order offered.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|(_, name, _)| *name).collect()
    }
}

/// A name that is not one of a [`Choice`]'s values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value `{value}` (possible values: {})", expected.join(", "))]
pub struct UnknownChoice {
    /// The name given.
    pub value: String,
    /// The names accepted.
    pub expected: Vec<&'static str>,
}

/// Parses a name of a [`Choice`].
pub fn parse<T: Choice>(name: &str) -> Result<T, UnknownChoice> {
    T::from_name(name).ok_or_else(|| UnknownChoice {
        value: name.to_string(),
        expected: T::names(),
    })
}

/// The text of a doc attribute, or nothing for any other attribute (used by [`choice_enum`]).
macro_rules! doc_text {
    (doc = $text:literal) => {
        $text
    };
    ($($other:tt)*) => {
        ""
    };
}

/// An enum whose variants are the values of a [`Choice`]: `Variant = "name"`, with the doc
/// comment of each variant as its help. Implements [`Choice`], `FromStr` and `Display` (the
/// name).
macro_rules! choice_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$($vmeta:tt)*])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$($vmeta)*])* $variant, )+
        }

        impl $crate::choice::Choice for $name {
            const ALL: &'static [(Self, &'static str, &'static str)] = &[
                $( (
                    $name::$variant,
                    $text,
                    concat!($($crate::choice::doc_text!($($vmeta)*)),*),
                ), )+
            ];
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::choice::UnknownChoice;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::choice::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::choice::Choice::name(*self))
            }
        }
    };
}

pub(crate) use choice_enum;
pub(crate) use doc_text;

/// The help line of a value, as written in its doc comment (the lines joined, trimmed).
pub fn help<T: Choice>(value: T) -> &'static str {
    T::ALL
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, _, help)| help.trim())
        .expect("every value is listed")
}

#[cfg(test)]
mod tests {
    use super::*;

    choice_enum! {
        /// A test choice.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Pick {
            /// The first
            /// of two.
            One = "one",
            /// The second.
            Two = "two",
        }
    }

    #[test]
    fn names_parse_back_and_help_is_the_doc() {
        for (v, name, _) in Pick::ALL {
            assert_eq!(v.name(), *name);
            assert_eq!(name.parse::<Pick>(), Ok(*v));
            assert_eq!(v.to_string(), *name);
        }
        assert_eq!(help(Pick::One), "The first of two.");
        let e = "three".parse::<Pick>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid value `three` (possible values: one, two)"
        );
    }
}
