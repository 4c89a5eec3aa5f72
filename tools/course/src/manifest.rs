//! The few facts the tool needs from a crate's `Cargo.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// A crate manifest, reduced to what the layout rules talk about.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub package: Package,
    #[serde(default)]
    pub lib: Option<Target>,
    #[serde(default, rename = "bin")]
    pub bins: Vec<Target>,
    #[serde(default, rename = "test")]
    pub tests: Vec<Target>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    pub name: String,
    /// `None` when the manifest does not say (Cargo's default is `true`).
    #[serde(default)]
    pub autotests: Option<bool>,
    #[serde(default)]
    pub autobins: Option<bool>,
}

/// A `[lib]`, `[[bin]]` or `[[test]]` table.
#[derive(Debug, Clone, Deserialize)]
pub struct Target {
    pub name: Option<String>,
    pub path: Option<String>,
}

impl Manifest {
    /// Reads `dir/Cargo.toml`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Manifest::parse(&text).with_context(|| {
            format!(
                "{} is not a crate manifest this tool understands (it needs a [package] name)",
                path.display()
            )
        })
    }

    pub fn parse(text: &str) -> Result<Manifest> {
        Ok(toml::from_str(text)?)
    }

    /// The library's name as Rust code spells it (`[lib] name`, or the package
    /// name with `-` turned into `_`).
    pub fn lib_name(&self) -> String {
        self.lib
            .as_ref()
            .and_then(|lib| lib.name.clone())
            .unwrap_or_else(|| self.package.name.replace('-', "_"))
    }
}

impl Target {
    /// The target's path resolved against the crate folder `dir`.
    pub fn resolved_path(&self, dir: &Path) -> Option<PathBuf> {
        self.path
            .as_ref()
            .map(|p| crate::repo::normalize(&dir.join(p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tables_of_a_solution_crate() {
        let manifest = Manifest::parse(
            r#"
            [package]
            name = "threads-solution"
            autotests = false
            autobins = false
            [lib]
            name = "threads"
            [[bin]]
            name = "sol_spawn_join"
            path = "../../exercises/01-threads/src/bin/spawn_join.rs"
            [[test]]
            name = "ordered_results"
            path = "../../exercises/01-threads/tests/ordered_results.rs"
            "#,
        )
        .unwrap();
        assert_eq!(manifest.lib_name(), "threads");
        assert_eq!(manifest.package.autotests, Some(false));
        assert_eq!(manifest.bins[0].name.as_deref(), Some("sol_spawn_join"));
        assert_eq!(
            manifest.tests[0].resolved_path(Path::new("/r/solutions/01-threads")),
            Some(PathBuf::from(
                "/r/exercises/01-threads/tests/ordered_results.rs"
            ))
        );
    }

    #[test]
    fn lib_name_defaults_to_the_package_name_with_underscores() {
        let manifest = Manifest::parse("[package]\nname = \"shared-memory\"\n").unwrap();
        assert_eq!(manifest.lib_name(), "shared_memory");
    }
}
