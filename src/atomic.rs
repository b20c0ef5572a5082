//! Writing a file atomically: the content goes to a temporary file beside the target, which is
//! then renamed over it. A reader sees the old file or the new one, never half of either, and a
//! crash leaves the original intact. Everything leakgate writes (reports, baselines, redacted
//! copies, `.gitignore` fixes, hooks) goes through here or, for streamed reports, through the
//! same temp-and-rename in `commands::Output`.

use std::io::Write;
use std::path::Path;

/// Write `content` to `path` atomically, creating the parent directory if needed. With `mode`
/// (Unix permission bits), the file gets them before it appears.
pub fn write(path: &Path, content: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(content)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
