//! The shared unit vectors of testdata/unit, read by every module's tests: the same inputs and
//! expected outputs the Go twin's tests read (go/internal/vectors).

use serde_json::Value;
use std::path::Path;

/// Reads testdata/unit/NAME, a JSON list of cases; any error fails the test.
pub fn load<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/unit").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Numbers as f64, so Go's `0` and Rust's `0.0` for cpus compare equal.
pub fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

/// serde for an OsString field of a vector: as a JSON string (the vectors are UTF-8).
pub mod os {
    use std::ffi::OsString;

    pub fn serialize<S: serde::Serializer>(value: &OsString, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string_lossy())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<OsString, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(OsString::from)
    }
}

/// serde for a list of OsStrings: a JSON list of strings.
pub mod os_list {
    use std::ffi::OsString;

    pub fn serialize<S: serde::Serializer>(value: &[OsString], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(value.iter().map(|v| v.to_string_lossy()))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<OsString>, D::Error> {
        <Vec<String> as serde::Deserialize>::deserialize(d)
            .map(|v| v.into_iter().map(OsString::from).collect())
    }
}
