//! What makes two connect calls "identical": the parsed, normalised connection string, the user, and
//! a salted SHA-256 digest of the password and of every other attribute that carries a credential
//! (`AccessToken=`, `pqopt={password=…}`, …: the rule of [`crate::secrets`]). No credential enters
//! the pool in plain text: it is read from the caller's string for the connect call only, handed to
//! the driver in a buffer that is wiped after, and never copied to memory that is freed unwiped.

use crate::config::{Config, LinkSettings};
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// Attribute keys that carry the user name; the value becomes part of the key as `user`.
const USER_KEYS: &[&str] = &["UID", "USER", "USERNAME", "USERID"];
/// Attribute keys that carry the password; taken out of the key and digested, and sent to the
/// driver as `PWD=` (the password argument of `odbc_connect` wins over them).
const PASSWORD_KEYS: &[&str] = &["PWD", "PASSWORD"];
/// What the key and the statistics show for the value of any other attribute carrying a credential.
const HIDDEN_VALUE: &str = "***";
/// Attributes for pconn itself (`PconnReset=none`, …): part of the key, never sent to the driver.
const PCONN_PREFIX: &str = "PCONN";

/// A connection request, parsed: what goes to the driver, and what pconn keeps. Lives for one
/// connect call, on the caller's thread; the password is borrowed from the caller's argument (or,
/// when it was in the string, held in a [`SecretString`]) and never copied into the pool.
pub struct ConnSpec<'a> {
    parsed: Rc<ParsedConnStr>,
    password: Password<'a>,
    /// The values of the other credential attributes.
    secrets: NamedSecrets,
    pub key: LinkKey,
}

enum Password<'a> {
    Argument(&'a str),
    FromString(SecretString),
}

/// What a connection string says, apart from any password in it. Cached per thread by the exact
/// string, because a server asks for the same link thousands of times and parsing dominates the
/// cost of a pconnect hit. Strings that carry a password are never cached. Per thread, so shared
/// with `Rc` and mutated through `RefCell`: nothing here crosses threads (a link keeps only the
/// key and the settings, which are `Arc`s).
struct ParsedConnStr {
    /// Driver attributes in the caller's order, without user, password and pconn's own attributes.
    /// Those carrying a credential have [`HIDDEN_VALUE`] as their value here.
    driver_attrs: Vec<(String, String)>,
    /// pconn's own per-connection options, keys lower-cased without the `pconn` prefix.
    options: Vec<(String, String)>,
    canonical: Arc<str>,
    user_in_string: Option<String>,
    /// A password or another credential is in the string: read again from it for each connect.
    has_secrets: bool,
    /// The key last built from this string: the next call almost always has the same user and
    /// password, and then reuses it instead of hashing and allocating again.
    last_key: RefCell<Option<LinkKey>>,
    /// The per-link settings last resolved for this string, with the configuration generation they
    /// were resolved against.
    settings: RefCell<Option<(u64, Arc<LinkSettings>)>>,
}

impl ParsedConnStr {
    /// Roughly the heap bytes an entry of the parse cache holds, for its memory bound: about 1 KiB
    /// for a typical string of 60 characters.
    fn footprint(&self, conn_str: &str) -> usize {
        let pairs = |attrs: &[(String, String)]| attrs.iter().map(|(k, v)| k.len() + v.len() + 64).sum::<usize>();
        // The string twice (map key, canonical form), the attributes, and the structs, allocation
        // headers, cached key and settings (counted from the types' sizes and malloc's overhead).
        2 * conn_str.len() + pairs(&self.driver_attrs) + pairs(&self.options) + 768
    }
}

/// Identity of a persistent link. Holds no secret: the password is present only as a salted digest.
///
/// One `Arc`: the key is cloned into the lease, the request and the idle pool on every hand-out,
/// and each clone is one reference-count increment; comparing a key with a clone of itself is a
/// pointer comparison.
#[derive(Clone)]
pub struct LinkKey(Arc<KeyData>);

struct KeyData {
    /// Canonical `KEY=value;` list, keys upper-cased and sorted, user and password removed.
    canonical: Arc<str>,
    user: Arc<str>,
    password_digest: [u8; 32],
    /// Computed once: the key is hashed in several maps on every hand-out.
    hash: u64,
}

impl PartialEq for LinkKey {
    fn eq(&self, other: &LinkKey) -> bool {
        let (a, b) = (&*self.0, &*other.0);
        Arc::ptr_eq(&self.0, &other.0)
            || (a.hash == b.hash
                && a.password_digest == b.password_digest
                && (Arc::ptr_eq(&a.canonical, &b.canonical) || a.canonical == b.canonical)
                && a.user == b.user)
    }
}

impl Eq for LinkKey {}

impl Hash for LinkKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl LinkKey {
    /// The key as shown in statistics: attributes and user, never the password or its digest.
    pub fn display_name(&self) -> String {
        if self.0.user.is_empty() {
            self.0.canonical.to_string()
        } else {
            format!("{}UID={};", self.0.canonical, self.0.user)
        }
    }

    pub fn user(&self) -> &Arc<str> {
        &self.0.user
    }
}

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkKey({})", self.display_name())
    }
}

impl<'a> ConnSpec<'a> {
    /// Parses `conn_str` and folds in `user` and `password` when given (they win over `UID=`/`PWD=`
    /// in the string, as `odbc_connect`'s separate arguments do).
    pub fn parse(conn_str: &str, user: Option<&str>, password: Option<&'a str>) -> Result<ConnSpec<'a>> {
        let parsed = parse_cached(conn_str)?;
        let user = user.or(parsed.user_in_string.as_deref()).unwrap_or_default();
        let (password_in_string, secrets) =
            if parsed.has_secrets { secrets_from_string(conn_str)? } else { (None, Vec::new()) };
        let password = match (password, password_in_string) {
            (Some(p), _) => Password::Argument(p),
            (None, Some(p)) => Password::FromString(p),
            (None, None) => Password::Argument(""),
        };
        let password_digest = digest_credentials(password.as_str(), &secrets);
        let cached = parsed
            .last_key
            .borrow()
            .as_ref()
            .filter(|key| &*key.0.user == user && key.0.password_digest == password_digest)
            .cloned();
        let key = match cached {
            Some(key) => key,
            None => {
                let key = LinkKey(Arc::new(KeyData {
                    canonical: parsed.canonical.clone(),
                    user: Arc::from(user),
                    password_digest,
                    hash: hash_state().hash_one((&*parsed.canonical, user, &password_digest)),
                }));
                *parsed.last_key.borrow_mut() = Some(key.clone());
                key
            }
        };
        Ok(ConnSpec { parsed, password, secrets, key })
    }

    /// The per-link settings: `config` with this string's `Pconn…` overrides applied. Resolved once
    /// per string and configuration (a `pconn_set_option` makes a new generation).
    pub fn settings(&self, config: &Config) -> Result<Arc<LinkSettings>> {
        if let Some((generation, settings)) = &*self.parsed.settings.borrow()
            && *generation == config.generation
        {
            return Ok(settings.clone());
        }
        let settings = Arc::new(LinkSettings::resolve(config, &self.parsed.options)?);
        *self.parsed.settings.borrow_mut() = Some((config.generation, settings.clone()));
        Ok(settings)
    }

    /// The attributes passed on to the driver (without pconn's own, user and password); the
    /// values of credential attributes read as `***`.
    pub fn driver_attributes(&self) -> &[(String, String)] {
        &self.parsed.driver_attrs
    }

    /// The string handed to `SQLDriverConnect`, with `extra` (complete `key=value;` attributes the
    /// session adds for its driver) after the caller's attributes. Contains the credentials: build
    /// it right before connecting and drop it right after (it is wiped on drop, and was never
    /// copied while it was built).
    pub fn driver_connection_string(&self, extra: Option<&str>) -> DriverConnStr {
        let mut out = SecretString::default();
        for (key, value) in &self.parsed.driver_attrs {
            let secret = self.secrets.iter().find(|(name, _)| name == key);
            out.push_attribute(key, secret.map_or(value.as_str(), |(_, value)| value.as_str()));
        }
        if let Some(attributes) = extra {
            out.push_str(attributes);
        }
        let user = self.key.user();
        if !user.is_empty() {
            out.push_attribute("UID", user);
        }
        if !self.password.as_str().is_empty() {
            out.push_attribute("PWD", self.password.as_str());
        }
        out.push_str("\0");
        DriverConnStr(out)
    }

    /// The password and every other credential, for scrubbing them out of driver messages.
    pub fn secret_values(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.password.as_str()).chain(self.secrets.iter().map(|(_, value)| value.as_str()))
    }

    /// A pconn option given in the connection string (`PconnReset=…` → `option("reset")`).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.parsed.options.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Password<'_> {
    fn as_str(&self) -> &str {
        match self {
            Password::Argument(p) => p,
            Password::FromString(p) => p.as_str(),
        }
    }
}

fn hash_state() -> &'static std::collections::hash_map::RandomState {
    static STATE: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    STATE.get_or_init(Default::default)
}

/// Hashes a [`LinkKey`] by the hash it carries: computed once with a random SipHash key, so maps
/// keyed by links do not hash the strings again on every hand-out.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only reached by types other than LinkKey; fold them in rather than fail.
        for &byte in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by link identity.
pub type KeyMap<V> = HashMap<LinkKey, V, BuildHasherDefault<KeyHasher>>;

/// Entries kept per thread, and their approximate heap bytes: enough for a server that uses
/// thousands of distinct connection strings (one per tenant database, say), bounded for one that
/// makes up a new string for every request or uses very long ones. When either bound is reached
/// the cache starts over. (16k typical strings take ~16 MiB; the links behind them take far more.)
const PARSE_CACHE_ENTRIES: usize = 16 * 1024;
const PARSE_CACHE_BYTES: usize = 32 * 1024 * 1024;

#[derive(Default)]
struct ParseCache {
    entries: HashMap<Rc<str>, Rc<ParsedConnStr>>,
    bytes: usize,
    /// The entry found last: a server connecting with one string over and over finds it with one
    /// comparison, without hashing the string.
    last: Option<(Rc<str>, Rc<ParsedConnStr>)>,
}

impl ParseCache {
    fn get(&mut self, conn_str: &str) -> Option<Rc<ParsedConnStr>> {
        if let Some((raw, parsed)) = &self.last
            && &**raw == conn_str
        {
            return Some(parsed.clone());
        }
        let (raw, parsed) = self.entries.get_key_value(conn_str)?;
        self.last = Some((raw.clone(), parsed.clone()));
        Some(parsed.clone())
    }

    fn insert(&mut self, conn_str: &str, parsed: Rc<ParsedConnStr>) {
        let footprint = parsed.footprint(conn_str);
        if self.entries.len() >= PARSE_CACHE_ENTRIES || self.bytes + footprint > PARSE_CACHE_BYTES {
            self.entries.clear();
            self.last = None;
            self.bytes = 0;
        }
        self.bytes += footprint;
        self.entries.insert(Rc::from(conn_str), parsed);
    }
}

thread_local! {
    static PARSE_CACHE: RefCell<ParseCache> = RefCell::new(ParseCache::default());
}

fn parse_cached(conn_str: &str) -> Result<Rc<ParsedConnStr>> {
    let cached = PARSE_CACHE.try_with(|cache| cache.borrow_mut().get(conn_str)).ok().flatten();
    if let Some(parsed) = cached {
        return Ok(parsed);
    }
    let parsed = Rc::new(parse_conn_str(conn_str)?);
    if !parsed.has_secrets {
        let _ = PARSE_CACHE.try_with(|cache| cache.borrow_mut().insert(conn_str, parsed.clone()));
    }
    Ok(parsed)
}

/// Whether an attribute other than the user and the password carries a credential.
fn is_secret_attribute(key: &str, value: &str) -> bool {
    crate::secrets::is_secret_name(key) || crate::secrets::holds_secret(value)
}

/// Credential attributes other than the password, by the attribute's name as written.
type NamedSecrets = Vec<(String, SecretString)>;

/// The password and the other credential attributes of `conn_str` (the first occurrence of each,
/// as the driver takes it), read for one connect call.
fn secrets_from_string(conn_str: &str) -> Result<(Option<SecretString>, NamedSecrets)> {
    let mut password = None;
    let mut secrets: NamedSecrets = Vec::new();
    for (key, value) in parse_attributes(conn_str)? {
        let value = SecretString(value);
        let upper = key.to_ascii_uppercase();
        if PASSWORD_KEYS.contains(&upper.as_str()) {
            password.get_or_insert(value);
        } else if !USER_KEYS.contains(&upper.as_str())
            && !is_pconn_option(&upper)
            && is_secret_attribute(&key, value.as_str())
            && !secrets.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            secrets.push((key, value));
        }
    }
    Ok((password, secrets))
}

fn is_pconn_option(upper_key: &str) -> bool {
    upper_key.starts_with(PCONN_PREFIX) && upper_key.len() > PCONN_PREFIX.len()
}

fn parse_conn_str(conn_str: &str) -> Result<ParsedConnStr> {
    let attrs = parse_attributes(conn_str)?;
    let mut driver_attrs = Vec::new();
    let mut options = Vec::new();
    let mut user_in_string = None;
    let mut has_secrets = false;
    for (key, value) in attrs {
        let upper = key.to_ascii_uppercase();
        if USER_KEYS.contains(&upper.as_str()) {
            user_in_string.get_or_insert(value);
        } else if PASSWORD_KEYS.contains(&upper.as_str()) {
            has_secrets = true;
            // Wiped here; read again from the caller's string only when needed.
            drop(SecretString(value));
        } else if is_pconn_option(&upper) {
            let name = upper[PCONN_PREFIX.len()..].trim_start_matches('_').to_ascii_lowercase();
            options.push((name, value));
        } else if driver_attrs.iter().any(|(k, _): &(String, String)| k.eq_ignore_ascii_case(&key)) {
            // ODBC: when a keyword repeats, the first occurrence wins.
            drop(SecretString(value));
        } else if is_secret_attribute(&key, &value) {
            has_secrets = true;
            drop(SecretString(value));
            driver_attrs.push((key, HIDDEN_VALUE.to_owned()));
        } else {
            driver_attrs.push((key, value));
        }
    }
    if driver_attrs.is_empty() {
        return Err(Error::InvalidArgument(
            "the connection string names no data source (give DSN=… or Driver=…)".into(),
        ));
    }
    let canonical = Arc::from(canonical_form(&driver_attrs, &options));
    Ok(ParsedConnStr {
        driver_attrs,
        options,
        canonical,
        user_in_string,
        has_secrets,
        last_key: RefCell::new(None),
        settings: RefCell::new(None),
    })
}

/// A string that is overwritten with zeros when dropped, so a password does not linger in freed
/// memory the allocator may hand out again. It grows without leaving copies behind: a larger
/// buffer is allocated, the text copied, and the old buffer wiped before it is freed.
#[derive(Default)]
pub struct SecretString(String);

impl SecretString {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn reserve(&mut self, additional: usize) {
        let needed = self.0.len() + additional;
        if needed > self.0.capacity() {
            let mut larger = String::with_capacity(needed.max(2 * self.0.capacity()).max(64));
            larger.push_str(&self.0);
            let old = std::mem::replace(&mut self.0, larger);
            drop(SecretString(old));
        }
    }

    fn push_str(&mut self, text: &str) {
        self.reserve(text.len());
        self.0.push_str(text);
    }

    fn push_attribute(&mut self, key: &str, value: &str) {
        // At most: key, `=`, braces, every character escaped, `;`.
        self.reserve(key.len() + 2 * value.len() + 4);
        push_attribute(&mut self.0, key, value);
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        crate::os::wipe(&mut self.0);
    }
}

/// The connection string for `SQLDriverConnect`, with a NUL after its text: the length is passed,
/// but drivers (psqlODBC) run `strlen` over it anyway, and without the NUL they read past the end
/// of the buffer.
pub struct DriverConnStr(SecretString);

impl DriverConnStr {
    /// The text without its NUL; the byte after the returned slice is the NUL.
    pub fn as_str(&self) -> &str {
        let text = self.0.as_str();
        text.strip_suffix('\0').unwrap_or(text)
    }
}

/// Appends `key=value;`, bracing the value when it needs it, without building a temporary copy
/// of the value (it may be a password).
fn push_attribute(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push('=');
    let needs_braces = value.contains([';', '{', '}']) || value.starts_with(' ') || value.ends_with(' ');
    if needs_braces {
        out.push('{');
        for (index, part) in value.split('}').enumerate() {
            if index > 0 {
                out.push_str("}}");
            }
            out.push_str(part);
        }
        out.push('}');
    } else {
        out.push_str(value);
    }
    out.push(';');
}

fn canonical_form(driver_attrs: &[(String, String)], options: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, &str)> = driver_attrs
        .iter()
        .map(|(k, v)| {
            let upper = k.to_ascii_uppercase();
            (upper, v.as_str())
        })
        .chain(options.iter().map(|(k, v)| (format!("{PCONN_PREFIX}{}", k.to_ascii_uppercase()), v.as_str())))
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (key, value) in pairs {
        if key == "DRIVER" {
            // Driver names are case-insensitive in odbcinst.ini lookups.
            push_attribute(&mut out, &key, &value.to_ascii_lowercase());
        } else {
            push_attribute(&mut out, &key, value);
        }
    }
    out
}

/// Parses `key=value;key={braced;value};…` as `SQLDriverConnect` does.
pub fn parse_attributes(conn_str: &str) -> Result<Vec<(String, String)>> {
    let bytes = conn_str.as_bytes();
    let mut attrs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i] == b';' || bytes[i].is_ascii_whitespace()) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && bytes[i] != b';' {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            return Err(Error::InvalidArgument(format!(
                "connection string attribute `{}` has no `=value`",
                conn_str[key_start..i].trim()
            )));
        }
        let key = conn_str[key_start..i].trim().to_owned();
        if key.is_empty() {
            return Err(Error::InvalidArgument("connection string has an empty attribute name".into()));
        }
        i += 1;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let value = if bytes.get(i) == Some(&b'{') {
            // Room for the rest of the string up front: the value may be a password, and growing
            // would free partial copies of it unwiped.
            let mut value = String::with_capacity(bytes.len() - i);
            let mut j = i + 1;
            let mut closed = false;
            let mut run_start = j;
            while j < bytes.len() {
                if bytes[j] == b'}' {
                    value.push_str(&conn_str[run_start..j]);
                    if bytes.get(j + 1) == Some(&b'}') {
                        value.push('}');
                        j += 2;
                        run_start = j;
                        continue;
                    }
                    closed = true;
                    j += 1;
                    break;
                }
                j += 1;
            }
            if !closed {
                return Err(Error::InvalidArgument(format!(
                    "connection string attribute `{key}` has an unclosed `{{`"
                )));
            }
            i = j;
            while i < bytes.len() && bytes[i] != b';' {
                i += 1;
            }
            value
        } else {
            let value_start = i;
            while i < bytes.len() && bytes[i] != b';' {
                i += 1;
            }
            conn_str[value_start..i].trim_end().to_owned()
        };
        attrs.push((key, value));
    }
    Ok(attrs)
}

/// A per-process random salt, so the digests in the pool's memory cannot be matched against a
/// precomputed table of common passwords.
fn salt() -> &'static [u8; 32] {
    static SALT: OnceLock<[u8; 32]> = OnceLock::new();
    SALT.get_or_init(|| {
        let mut salt = [0u8; 32];
        // Waits only before the kernel's pool is initialised at boot.
        if !crate::os::random_bytes(&mut salt, true) {
            // Not expected on Linux; fall back to something process-unique rather than fail.
            let fallback = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
            salt = Sha256::digest(fallback.as_bytes()).into();
        }
        salt
    })
}

/// The digest of the password and of the other credentials, each with its attribute name (upper
/// case, in sorted order: their order in the string does not matter) and every field
/// length-prefixed, so no two different sets of credentials feed the hash the same bytes.
fn digest_credentials(password: &str, secrets: &[(String, SecretString)]) -> [u8; 32] {
    if password.is_empty() && secrets.is_empty() {
        // The common case of no password (SQLite, trust or peer authentication): digested once.
        static EMPTY: OnceLock<[u8; 32]> = OnceLock::new();
        return *EMPTY.get_or_init(|| salted_digest("", &[]));
    }
    salted_digest(password, secrets)
}

fn salted_digest(password: &str, secrets: &[(String, SecretString)]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt());
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(password.as_bytes());
    let mut order: Vec<usize> = (0..secrets.len()).collect();
    order.sort_by_cached_key(|&index| secrets[index].0.to_ascii_uppercase());
    for index in order {
        let (name, value) = &secrets[index];
        field(name.to_ascii_uppercase().as_bytes());
        field(value.as_str().as_bytes());
    }
    // A block of zeros last: the hasher buffers the tail of its input in a block on the stack, and
    // that block now holds zeros instead of the end of a credential when the stack is reused.
    hasher.update([0u8; 64]);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(conn: &str, user: Option<&str>, pwd: Option<&str>) -> LinkKey {
        ConnSpec::parse(conn, user, pwd).unwrap().key
    }

    #[test]
    fn identical_means_same_attributes_in_any_order_and_case() {
        let a = key("Driver={PostgreSQL Unicode};Server=h;Port=5432", Some("u"), Some("p"));
        let b = key("port=5432; SERVER=h ;DRIVER={postgresql unicode};", Some("u"), Some("p"));
        assert_eq!(a, b);
    }

    #[test]
    fn different_values_users_or_passwords_are_different_keys() {
        let base = key("Driver=x;Server=h", Some("u"), Some("p"));
        assert_ne!(base, key("Driver=x;Server=H", Some("u"), Some("p")));
        assert_ne!(base, key("Driver=x;Server=h", Some("v"), Some("p")));
        assert_ne!(base, key("Driver=x;Server=h", Some("u"), Some("q")));
    }

    #[test]
    fn password_in_the_string_equals_password_as_argument() {
        assert_eq!(key("Driver=x;PWD=p;UID=u", None, None), key("Driver=x", Some("u"), Some("p")));
        assert_eq!(key("Driver=x;Password={p}", Some("u"), None), key("Driver=x", Some("u"), Some("p")));
    }

    #[test]
    fn the_key_holds_no_plaintext_password() {
        let k = key("Driver=x;PWD=topsecret", Some("u"), None);
        assert!(!format!("{k:?}").contains("topsecret"));
        assert!(!k.display_name().contains("topsecret"));
        assert!(!k.0.canonical.contains("topsecret"));
        let spec = ConnSpec::parse("Driver=x;PWD=topsecret", Some("u"), None).unwrap();
        assert_eq!(spec.secret_values().next(), Some("topsecret"));
    }

    #[test]
    fn pconn_options_are_keyed_but_not_sent_to_the_driver() {
        let spec = ConnSpec::parse("Driver=x;PconnReset=none;Database=d", None, Some("p")).unwrap();
        assert_eq!(spec.option("reset"), Some("none"));
        let driver = spec.driver_connection_string(None);
        assert_eq!(driver.as_str(), "Driver=x;Database=d;PWD=p;");
        assert_ne!(spec.key, key("Driver=x;Database=d", None, Some("p")));
    }

    #[test]
    fn braced_values_survive_parsing_and_rebuilding() {
        let attrs = parse_attributes("A={x;y}}z};B= plain ;C={}").unwrap();
        assert_eq!(attrs, vec![("A".into(), "x;y}z".into()), ("B".into(), "plain".into()), ("C".into(), "".into())]);
        let spec = ConnSpec::parse("Driver=d;A={x;y}}z}", None, None).unwrap();
        assert_eq!(spec.driver_connection_string(None).as_str(), "Driver=d;A={x;y}}z};");
    }

    #[test]
    fn malformed_strings_are_clear_errors() {
        assert!(matches!(parse_attributes("Driver"), Err(Error::InvalidArgument(_))));
        assert!(matches!(parse_attributes("A={open"), Err(Error::InvalidArgument(_))));
        assert!(matches!(ConnSpec::parse("", None, None), Err(Error::InvalidArgument(_))));
        assert!(matches!(ConnSpec::parse("=x", None, None), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn the_parse_cache_holds_sixteen_thousand_strings_and_stays_bounded() {
        // Runs on a thread of its own: the cache is per thread.
        std::thread::spawn(|| {
            let strings: Vec<String> = (0..PARSE_CACHE_ENTRIES).map(|n| format!("Driver=d;Database=db{n}")).collect();
            let first: Vec<_> = strings.iter().map(|s| parse_cached(s).unwrap()).collect();
            for (s, parsed) in strings.iter().zip(&first) {
                assert!(Rc::ptr_eq(&parse_cached(s).unwrap(), parsed), "{s} was parsed again");
            }
            let len = PARSE_CACHE.with(|cache| cache.borrow().entries.len());
            assert_eq!(len, PARSE_CACHE_ENTRIES);
            // One more starts over rather than growing.
            parse_cached("Driver=d;Database=one-more").unwrap();
            let (len, bytes) = PARSE_CACHE.with(|cache| (cache.borrow().entries.len(), cache.borrow().bytes));
            assert_eq!(len, 1);
            assert!(bytes < 4096);
            // Long strings are bounded by their size, long before the entry count.
            let long: Vec<String> = (0..4000).map(|n| format!("Driver=d;Database=db{n};Comment={}", "x".repeat(10_000))).collect();
            for s in &long {
                parse_cached(s).unwrap();
            }
            let bytes = PARSE_CACHE.with(|cache| cache.borrow().bytes);
            assert!(bytes <= PARSE_CACHE_BYTES, "{bytes}");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn strings_with_a_password_are_not_cached() {
        std::thread::spawn(|| {
            let a = parse_cached("Driver=d;PWD=secret").unwrap();
            let b = parse_cached("Driver=d;PWD=secret").unwrap();
            assert!(!Rc::ptr_eq(&a, &b));
            assert_eq!(PARSE_CACHE.with(|cache| cache.borrow().entries.len()), 0);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_repeated_call_reuses_the_key_unless_user_or_password_differ() {
        let a = ConnSpec::parse("Driver=reuse", Some("u"), Some("p")).unwrap().key;
        let b = ConnSpec::parse("Driver=reuse", Some("u"), Some("p")).unwrap().key;
        assert!(Arc::ptr_eq(&a.0, &b.0), "the same key, not rebuilt");
        let other_password = ConnSpec::parse("Driver=reuse", Some("u"), Some("q")).unwrap().key;
        let other_user = ConnSpec::parse("Driver=reuse", Some("v"), Some("p")).unwrap().key;
        assert_ne!(a, other_password);
        assert_ne!(a, other_user);
        assert_ne!(other_password, other_user);
        assert_eq!(a, ConnSpec::parse("DRIVER=reuse;", Some("u"), Some("p")).unwrap().key);
    }

    #[test]
    fn settings_are_resolved_again_for_a_new_configuration() {
        let spec = ConnSpec::parse("Driver=settings;PconnPingInterval=5", None, None).unwrap();
        let mut config = Config::default();
        let first = spec.settings(&config).unwrap();
        assert_eq!(first.ping_interval, Some(std::time::Duration::from_secs(5)));
        assert!(Arc::ptr_eq(&first, &spec.settings(&config).unwrap()), "cached for the same configuration");
        config.set("ping_sql", "SELECT 2").unwrap();
        config.generation += 1;
        let second = spec.settings(&config).unwrap();
        assert_eq!(&*second.ping_sql, "SELECT 2");
        assert_eq!(second.ping_interval, Some(std::time::Duration::from_secs(5)), "the string's override still wins");
    }

    #[test]
    fn credentials_under_other_names_are_digested_not_kept() {
        let conn = "Driver=x;UID=u;pqopt={password=S3cret};AccessToken=tok3n;Authentication=auth9;SSLPassword=k3y";
        let spec = ConnSpec::parse(conn, None, None).unwrap();
        for shown in [spec.key.display_name(), format!("{:?}", spec.key), spec.key.0.canonical.to_string()] {
            for secret in ["S3cret", "tok3n", "auth9", "k3y"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        }
        assert!(spec.key.display_name().contains("PQOPT=***;"), "{}", spec.key.display_name());
        // The driver gets every value, in the caller's order, with a NUL after the text.
        let driver = spec.driver_connection_string(None);
        assert_eq!(
            driver.as_str(),
            "Driver=x;pqopt=password=S3cret;AccessToken=tok3n;Authentication=auth9;SSLPassword=k3y;UID=u;"
        );
        assert_eq!(driver.0.as_str().as_bytes().last(), Some(&0));
        // Identity: another value is another link; the order of the attributes is not.
        assert_ne!(spec.key, key(&conn.replace("tok3n", "other"), None, None));
        assert_ne!(spec.key, key(&conn.replace("S3cret", "other"), None, None));
        let reordered = "Driver=x;AccessToken=tok3n;SSLPassword=k3y;UID=u;Authentication=auth9;pqopt={password=S3cret}";
        assert_eq!(spec.key, key(reordered, None, None));
        // A pqopt without a credential is an ordinary, visible attribute.
        let plain = key("Driver=x;pqopt={options=-cwork_mem=64kB}", None, None);
        assert!(plain.display_name().contains("work_mem"), "{}", plain.display_name());
    }

    #[test]
    fn strings_with_other_credentials_are_not_cached() {
        std::thread::spawn(|| {
            parse_cached("Driver=d;AccessToken=t").unwrap();
            parse_cached("Driver=d;pqopt={password=p}").unwrap();
            assert_eq!(PARSE_CACHE.with(|cache| cache.borrow().entries.len()), 0);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn repeated_keywords_keep_the_first_value() {
        let spec = ConnSpec::parse("Driver=a;Database=one;DATABASE=two", None, None).unwrap();
        assert_eq!(spec.driver_connection_string(None).as_str(), "Driver=a;Database=one;");
    }
}
