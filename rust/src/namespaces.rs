//! The one ordered table of namespaces: name → clone flag, and parsing of `--ns`.

use nix::sched::CloneFlags;

use crate::errs::UsageError;

// slide: namespaces
/// Every namespace mvrc knows, in the order the kernel needs them: `user` first,
/// because creating it is what grants an unprivileged caller the right to create
/// the others in the same clone(2).
const TABLE: [(&str, CloneFlags); 7] = [
    ("user", CloneFlags::CLONE_NEWUSER),
    ("mount", CloneFlags::CLONE_NEWNS),
    ("pid", CloneFlags::CLONE_NEWPID),
    ("uts", CloneFlags::CLONE_NEWUTS),
    ("ipc", CloneFlags::CLONE_NEWIPC),
    ("net", CloneFlags::CLONE_NEWNET),
    ("cgroup", CloneFlags::CLONE_NEWCGROUP),
];

// end slide

/// Every namespace, in table order: the `--ns` default.
pub fn default() -> Vec<&'static str> {
    TABLE.iter().map(|(name, _)| *name).collect()
}

/// A set of namespaces, always kept in table order without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(test, derive(serde::Serialize), serde(transparent))]
pub struct Namespaces(Vec<&'static str>);

impl Namespaces {
    /// Parses a comma-separated list in any order; `--ns ''` means no namespace at all.
    pub fn parse(list: &str) -> Result<Self, UsageError> {
        let wanted: Vec<&str> = if list.is_empty() { Vec::new() } else { list.split(',').collect() };
        if let Some(unknown) = wanted.iter().find(|w| !default().contains(w)) {
            return Err(UsageError::UnknownNamespace(unknown.into()));
        }
        Ok(Namespaces(default().into_iter().filter(|n| wanted.contains(n)).collect()))
    }

    /// The clone(2) flags that create exactly these namespaces.
    pub fn flags(&self) -> CloneFlags {
        TABLE.iter().filter(|(n, _)| self.contains(n)).fold(CloneFlags::empty(), |all, (_, flag)| all | *flag)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    /// True for `--ns ''`: no namespace at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[cfg(test)]
    pub fn names(&self) -> &[&'static str] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        #[serde(rename = "in")]
        input: String,
        want: Option<Vec<String>>,
        flags: Option<i32>,
        error: Option<String>,
    }

    #[test]
    fn shared_vectors() {
        for case in vectors::load::<Case>("namespaces.json") {
            match Namespaces::parse(&case.input) {
                Ok(ns) => {
                    assert_eq!(
                        Some(ns.names().to_vec()),
                        case.want.as_ref().map(|w| w.iter().map(|s| s.as_str()).collect()),
                        "{}",
                        case.name
                    );
                    if let Some(flags) = case.flags {
                        assert_eq!(ns.flags().bits(), flags, "{}", case.name);
                    }
                }
                Err(e) => assert_eq!(Some(format!("mvrc: {e}")), case.error, "{}", case.name),
            }
        }
    }

    #[test]
    fn table_order_and_duplicates() {
        let ns = Namespaces::parse("pid,user,pid").unwrap();
        assert_eq!(ns.names(), ["user", "pid"]);
        assert_eq!(ns.flags(), CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWPID);
        assert_eq!(Namespaces::parse("").unwrap().names(), [] as [&str; 0]);
    }
}
