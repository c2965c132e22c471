//! `open_enum!`: an enum of the values the API is known to send, plus `Unknown(String)` for any
//! other, so that a newer API does not break an older reader.

/// Declares an open enum: its known variants, each with the text the API writes for it, `KNOWN`
/// (those texts), `as_str`, `From<String>`, `Into<String>`, `Display`, and serde as a plain
/// string.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this crate does not know (kept as sent).
            Unknown(String),
        }

        impl $name {
            /// The texts of the known variants, in their declared order.
            pub const KNOWN: &'static [&'static str] = &[$($text),*];

            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => $name::$variant,)*
                    _ => $name::Unknown(s),
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                match v {
                    $name::Unknown(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use open_enum;
