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
