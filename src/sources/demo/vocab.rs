//! Words the demo builds ticket titles, people and comments from.

pub const PEOPLE: &[(&str, &str)] = &[
    ("priya", "Priya Raman"),
    ("tomas", "Tomás Novák"),
    ("amara", "Amara Okafor"),
    ("liam", "Liam Chen"),
    ("sofia", "Sofia Rossi"),
    ("kenji", "Kenji Sato"),
    ("noor", "Noor Haddad"),
    ("ben", "Ben Carter"),
    ("ines", "Inês Costa"),
    ("oskar", "Oskar Lind"),
    ("maya", "Maya Levi"),
    ("diego", "Diego Ruiz"),
    ("hana", "Hana Kim"),
    ("yusuf", "Yusuf Demir"),
    ("elena", "Elena Petrova"),
    ("sam", "Sam Taylor"),
];

pub const VERBS: &[&str] = &[
    "Fix", "Add", "Refactor", "Remove", "Speed up", "Document", "Migrate", "Harden", "Retry",
    "Validate", "Cache", "Paginate", "Audit", "Split", "Rename",
];

pub const OBJECTS: &[&str] = &[
    "login retry loop",
    "invoice export",
    "webhook signature check",
    "search index rebuild",
    "nightly backup job",
    "rate limiter",
    "user settings page",
    "billing reconciliation",
    "TLS certificate rotation",
    "audit log writer",
    "feature flag cleanup",
    "push notification queue",
    "CSV importer",
    "dashboard load time",
    "session timeout handling",
    "database connection pool",
    "onboarding checklist",
    "error budget alerts",
    "API pagination",
    "password reset flow",
];

/// Where a piece of work applies. Picked by ticket id, not by the random stream, so the
/// demo's other numbers do not depend on it; with it, two tickets share a title about as
/// rarely as in a real tracker, and the duplicates the demo files on purpose stand out.
pub const PLACES: &[&str] = &[
    "for EU customers",
    "on Android",
    "on iOS",
    "in the admin console",
    "for enterprise plans",
    "after failover",
    "behind the proxy",
    "during checkout",
    "for partner accounts",
    "in staging",
    "under heavy load",
    "for new signups",
    "in Safari",
    "for legacy tenants",
    "across regions",
    "at month end",
    "with SSO enabled",
    "for trial users",
    "in dark mode",
    "over IPv6",
    "on slow networks",
    "for API clients",
    "after upgrade",
    "in batch mode",
    "on Windows",
    "for US accounts",
    "during onboarding",
    "on tablets",
    "in reports",
    "under quota",
    "for resellers",
    "on weekends",
    "with two-factor login",
    "for archived projects",
    "in the mobile web",
    "at startup",
    "for shared inboxes",
    "in offline mode",
    "on the status page",
    "for support agents",
];

/// A ticket title: the work, the thing and (by `id`) where.
pub fn title(verb: &str, object: &str, id: u64) -> String {
    let place = PLACES[(id.wrapping_mul(2_654_435_761) % PLACES.len() as u64) as usize];
    format!("{verb} {object} {place}")
}

pub const NOTES: &[&str] = &[
    "Reproduced on staging.",
    "Waiting on a second reviewer.",
    "Customer confirmed the fix.",
    "Blocked on the vendor's answer.",
    "Split the migration into two steps.",
    "Added a regression test.",
    "Can we ship this behind a flag?",
    "Needs a decision from product.",
];

pub const LABELS: &[&str] = &[
    "backend",
    "frontend",
    "infra",
    "security",
    "customer",
    "tech-debt",
];
