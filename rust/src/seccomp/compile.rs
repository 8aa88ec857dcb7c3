//! Policy → BPF with seccompiler: one filter per action, since a seccompiler filter has one
//! match action. The kernel runs every filter and keeps the strongest verdict; between two
//! errnos, the one of the newest filter.

use std::collections::BTreeMap;

use seccompiler::{
    BackendError, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

use super::policy::{Action, Condition, Policy};
use super::syscalls::{Arch, Table};

/// The rules of one action: per system call number, None when one rule has no conditions
/// (no need to look at the arguments), else the alternatives.
type Rules = BTreeMap<i64, Option<Vec<SeccompRule>>>;

/// Compiles `policy` into the filters to install, in order: first the allowlist, whose
/// mismatch is the default action; then one filter per errno, each allowing what it does
/// not match. Installed after the allowlist, an errno filter's verdict wins for its calls
/// (the newest filter's errno is the one returned). A name `arch` lacks is skipped.
pub fn compile(policy: &Policy, table: &Table, arch: Arch) -> Result<Vec<BpfProgram>, BackendError> {
    let mut by_action: BTreeMap<Action, Rules> = BTreeMap::new();
    by_action.entry(Action::Allow).or_default();
    for rule in &policy.rules {
        let Some(nr) = table.number(&rule.syscall) else { continue };
        if rule.action == policy.default {
            continue; // changes nothing
        }
        let calls = by_action.entry(rule.action).or_default();
        let alternatives = calls.entry(nr).or_insert_with(|| Some(Vec::new()));
        match (rule.conditions.is_empty(), alternatives) {
            (true, slot) => *slot = None,
            (false, Some(list)) => list.push(seccomp_rule(&rule.conditions)?),
            (false, None) => {}
        }
    }
    let mut programs = Vec::new();
    for (action, calls) in by_action {
        let rules =
            calls.into_iter().map(|(nr, alternatives)| (nr, alternatives.unwrap_or_default())).collect();
        let (mismatch, on_match) = match action {
            // With a default of allow the allowlist has nothing to do but check the architecture.
            Action::Allow if policy.default == Action::Allow => {
                (SeccompAction::Allow, SeccompAction::Errno(1))
            }
            Action::Allow => (seccomp_action(policy.default), SeccompAction::Allow),
            Action::Errno(_) => (SeccompAction::Allow, seccomp_action(action)),
        };
        let filter = SeccompFilter::new(rules, mismatch, on_match, arch.target)?;
        programs.push(filter.try_into()?);
    }
    Ok(programs)
}

fn seccomp_rule(conditions: &[Condition]) -> Result<SeccompRule, BackendError> {
    let conditions = conditions
        .iter()
        .map(|c| {
            let op = match (c.not, c.mask) {
                (true, _) => SeccompCmpOp::Ne,
                (false, u64::MAX) => SeccompCmpOp::Eq,
                (false, mask) => SeccompCmpOp::MaskedEq(mask),
            };
            SeccompCondition::new(c.arg, SeccompCmpArgLen::Qword, op, c.value)
        })
        .collect::<Result<_, _>>()?;
    SeccompRule::new(conditions)
}

fn seccomp_action(action: Action) -> SeccompAction {
    match action {
        Action::Allow => SeccompAction::Allow,
        Action::Errno(errno) => SeccompAction::Errno(errno),
    }
}
