//! Which connection-string attributes carry credentials, and finding them in text without copying
//! them: one rule shared by the link identity (`key.rs`, which digests them and never stores them)
//! and the message scrubber (`diag.rs`, which hides them).
//!
//! The rule is by name, not by a list of known drivers: an attribute is secret when its name,
//! ignoring case and punctuation, ends with a word that means a credential (`PWD`, `Password`,
//! `SSLPassword`, `KeyStorePassword`, `AccessToken`, `ClientSecret`, `AuthToken`, …) or is
//! `Authentication`. An attribute whose value itself assigns one (`pqopt={password=…}`,
//! `Options='… password=…'`) is secret as a whole: what a driver passes on, wherever it sits.
//! Hiding too much costs a less readable statistics line; hiding too little leaks a password.

/// Name endings that mean a credential, upper-case, letters and digits only.
const SECRET_NAME_ENDINGS: &[&str] =
    &["PWD", "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"];
/// Whole names that carry a credential although they do not end with one of the words above
/// (SQL Server's `Authentication=` may hold an Azure AD access token's mode and secret).
const SECRET_NAMES: &[&str] = &["AUTHENTICATION", "AUTH"];

/// Whether an attribute or option named `name` carries a credential.
pub fn is_secret_name(name: &str) -> bool {
    // The significant characters, upper-cased, kept from the end: the endings are short, and a
    // name longer than the buffer is compared by its tail (no whole name is that long).
    let mut tail = [0u8; 32];
    let mut len = 0;
    for byte in name.bytes().rev().filter(u8::is_ascii_alphanumeric) {
        if len == tail.len() {
            return ends_with_secret_word(&tail, len, false);
        }
        tail[tail.len() - 1 - len] = byte.to_ascii_uppercase();
        len += 1;
    }
    ends_with_secret_word(&tail, len, true)
}

fn ends_with_secret_word(tail: &[u8; 32], len: usize, complete: bool) -> bool {
    let significant = &tail[tail.len() - len..];
    SECRET_NAME_ENDINGS.iter().any(|ending| significant.ends_with(ending.as_bytes()))
        || (complete && SECRET_NAMES.iter().any(|whole| significant == whole.as_bytes()))
}

/// Whether `value` assigns a credential inside it (`password=…` in a libpq option string).
pub fn holds_secret(value: &str) -> bool {
    find_secret_assignment(value, 0).is_some()
}

/// The next `name=value` in `text` at or after `from` whose name is secret: the byte range of the
/// value (a braced `{…}` or quoted `'…'` value whole). Allocates nothing, so the secret is not
/// copied while it is looked for.
pub fn find_secret_assignment(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(offset) = bytes.get(at..)?.iter().position(|&b| b == b'=') {
        let equals = at + offset;
        let mut name_end = equals;
        while name_end > 0 && bytes[name_end - 1] == b' ' {
            name_end -= 1;
        }
        let mut name_start = name_end;
        while name_start > 0 && is_name_byte(bytes[name_start - 1]) {
            name_start -= 1;
        }
        if name_start < name_end && is_secret_name(&text[name_start..name_end]) {
            let mut value_start = equals + 1;
            while value_start < bytes.len() && bytes[value_start] == b' ' {
                value_start += 1;
            }
            return Some((value_start, value_end(bytes, value_start)));
        }
        at = equals + 1;
    }
    None
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

/// Where a value starting at `start` ends: after its closing brace (`}}` is an escaped brace, as
/// ODBC defines it) or quote (`\'` escaped, as libpq does), else at the next separator.
fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        Some(b'{') => {
            let mut i = start + 1;
            while i < bytes.len() {
                if bytes[i] == b'}' {
                    if bytes.get(i + 1) == Some(&b'}') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            bytes.len()
        }
        Some(b'\'') => {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'\'' => return i + 1,
                    _ => i += 1,
                }
            }
            bytes.len()
        }
        _ => {
            let mut i = start;
            while i < bytes.len() && !matches!(bytes[i], b';' | b'\'' | b'"' | b' ' | b'\n' | b'}') {
                i += 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_are_recognised_by_their_ending() {
        for name in [
            "PWD", "pwd", "Password", "PASSWD", "SSLPassword", "sslpassword", "KeyStorePassword", "TrustStorePwd",
            "AccessToken", "access_token", "Token", "AuthToken", "ClientSecret", "Authentication", "api-key",
            "Credentials",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["UID", "User", "Server", "Database", "pqopt", "PasswordFile", "TokenEndpoint", "SSLMode", ""] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert!(is_secret_name(&format!("{}Password", "X".repeat(100))));
    }

    #[test]
    fn assignments_are_found_plain_braced_and_quoted() {
        fn find(text: &str) -> Option<&str> {
            find_secret_assignment(text, 0).map(|(a, b)| &text[a..b])
        }
        assert_eq!(find("password=S3cret"), Some("S3cret"));
        assert_eq!(find("host=h password = 'a b\\'c' port=5"), Some("'a b\\'c'"));
        assert_eq!(find("Driver=x;PWD={a;b}}c};Port=5"), Some("{a;b}}c}"));
        assert_eq!(find("sslmode=require options=-cx=1"), None);
        assert_eq!(find("a newpassword is needed"), None);
        assert!(holds_secret("options=-c x=1 sslpassword=k"));
    }
}
