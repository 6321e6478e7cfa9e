//! What makes two connect calls "identical": the parsed, normalised connection string, the user, and
//! a salted SHA-256 digest of the password. The plaintext password never enters the pool.

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
/// Attribute keys that carry the password; taken out of the key and digested.
const PASSWORD_KEYS: &[&str] = &["PWD", "PASSWORD"];
/// Attributes for pconn itself (`PconnReset=none`, …): part of the key, never sent to the driver.
const PCONN_PREFIX: &str = "PCONN";

/// A connection request, parsed: what goes to the driver, and what pconn keeps. Lives for one
/// connect call, on the caller's thread; the password is borrowed from the caller's argument (or,
/// when it was in the string, held in a [`SecretString`]) and never copied into the pool.
pub struct ConnSpec<'a> {
    parsed: Rc<ParsedConnStr>,
    password: Password<'a>,
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
    driver_attrs: Vec<(String, String)>,
    /// pconn's own per-connection options, keys lower-cased without the `pconn` prefix.
    options: Vec<(String, String)>,
    canonical: Arc<str>,
    user_in_string: Option<String>,
    has_password: bool,
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
        let password = match password {
            Some(p) => Password::Argument(p),
            None if parsed.has_password => Password::FromString(password_from_string(conn_str)?),
            None => Password::Argument(""),
        };
        let password_digest = digest_password(password.as_str());
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
        Ok(ConnSpec { parsed, password, key })
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

    /// The attributes passed on to the driver (without pconn's own, user and password).
    pub fn driver_attributes(&self) -> &[(String, String)] {
        &self.parsed.driver_attrs
    }

    /// The string handed to `SQLDriverConnect`, with `extra` (complete `key=value;` attributes the
    /// session adds for its driver) after the caller's attributes. Contains the password: build it
    /// right before connecting and drop it right after (it is wiped on drop).
    pub fn driver_connection_string(&self, extra: Option<&str>) -> SecretString {
        let mut out = String::new();
        for (key, value) in &self.parsed.driver_attrs {
            push_attribute(&mut out, key, value);
        }
        if let Some(attributes) = extra {
            out.push_str(attributes);
        }
        let user = self.key.user();
        if !user.is_empty() {
            push_attribute(&mut out, "UID", user);
        }
        if !self.password.as_str().is_empty() {
            push_attribute(&mut out, "PWD", self.password.as_str());
        }
        SecretString(out)
    }

    /// The password, for scrubbing it out of driver messages.
    pub fn password(&self) -> &str {
        self.password.as_str()
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
    if !parsed.has_password {
        let _ = PARSE_CACHE.try_with(|cache| cache.borrow_mut().insert(conn_str, parsed.clone()));
    }
    Ok(parsed)
}

fn password_from_string(conn_str: &str) -> Result<SecretString> {
    let attrs = parse_attributes(conn_str)?;
    Ok(attrs
        .into_iter()
        .find(|(k, _)| PASSWORD_KEYS.contains(&k.to_ascii_uppercase().as_str()))
        .map(|(_, v)| SecretString(v))
        .unwrap_or_default())
}

fn parse_conn_str(conn_str: &str) -> Result<ParsedConnStr> {
    let attrs = parse_attributes(conn_str)?;
    let mut driver_attrs = Vec::new();
    let mut options = Vec::new();
    let mut user_in_string = None;
    let mut has_password = false;
    for (key, value) in attrs {
        let upper = key.to_ascii_uppercase();
        if USER_KEYS.contains(&upper.as_str()) {
            user_in_string.get_or_insert(value);
        } else if PASSWORD_KEYS.contains(&upper.as_str()) {
            has_password = true;
            // Wiped here; read again from the caller's string only when needed.
            drop(SecretString(value));
        } else if upper.starts_with(PCONN_PREFIX) && upper.len() > PCONN_PREFIX.len() {
            let name = upper[PCONN_PREFIX.len()..].trim_start_matches('_').to_ascii_lowercase();
            options.push((name, value));
        } else if !driver_attrs.iter().any(|(k, _): &(String, String)| k.eq_ignore_ascii_case(&key)) {
            // ODBC: when a keyword repeats, the first occurrence wins.
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
        has_password,
        last_key: RefCell::new(None),
        settings: RefCell::new(None),
    })
}

/// A string that is overwritten with zeros when dropped, so a password does not linger in freed
/// memory the allocator may hand out again.
#[derive(Default)]
pub struct SecretString(String);

impl SecretString {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        crate::os::wipe(&mut self.0);
    }
}

fn push_attribute(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push('=');
    let needs_braces = value.contains([';', '{', '}']) || value.starts_with(' ') || value.ends_with(' ');
    if needs_braces {
        out.push('{');
        out.push_str(&value.replace('}', "}}"));
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
            let mut value = String::new();
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

fn digest_password(password: &str) -> [u8; 32] {
    if password.is_empty() {
        // The common case of no password (SQLite, trust or peer authentication): digested once.
        static EMPTY: OnceLock<[u8; 32]> = OnceLock::new();
        return *EMPTY.get_or_init(|| salted_digest(""));
    }
    salted_digest(password)
}

fn salted_digest(password: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt());
    hasher.update(password.as_bytes());
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
        assert_eq!(spec.password(), "topsecret");
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
    fn repeated_keywords_keep_the_first_value() {
        let spec = ConnSpec::parse("Driver=a;Database=one;DATABASE=two", None, None).unwrap();
        assert_eq!(spec.driver_connection_string(None).as_str(), "Driver=a;Database=one;");
    }
}
