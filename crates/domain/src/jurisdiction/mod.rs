//! Jurisdiction packs: clocks, disposals and rules as data (see packs/*.toml).
