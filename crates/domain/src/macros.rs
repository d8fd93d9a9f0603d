//! The one way a fixed set of words (states, codes, categories) becomes an
//! enum's text: `ALL`, `as_str`, `allowed` (for error messages), `Display`
//! and a `FromStr` whose error lists what is accepted.

macro_rules! text_enum {
    ($t:ident, $what:literal, [$($v:ident = $s:literal),+ $(,)?]) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),+ }
            }
            /// The accepted values, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $t {
            type Err = $crate::code::Message;
            fn from_str(s: &str) -> Result<Self, $crate::code::Message> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let text = format!("unknown {} {s:?}: must be one of {}", $what, Self::allowed());
                    $crate::code::unknown_value(text, s, Self::allowed())
                })
            }
        }
    };
}
