use gpt::{disk, GptConfig};
use std::path::Path;

/// Lists the partitions of a GUID partition table (GPT) disk image.
pub fn list(image: &Path) -> std::io::Result<Vec<String>> {
    let cfg = GptConfig::new().writable(false);
    let disk = cfg.open(image)?;
    let _ = disk::LogicalBlockSize::Lb512;
    Ok(disk.partitions().values().map(|p| p.name.clone()).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn opens_fixture() {
        assert!(super::list(std::path::Path::new("tests/gpt-disk.img")).is_ok());
    }
}
