//! The media store behind `object_store`: a local directory by default (`<data>/media`),
//! or S3 with `--media s3://bucket/prefix` (cargo feature `s3`). Uploads land in a
//! temporary file first and are moved into the store whole, so no reader ever sees half a
//! video. Local files are served by this process with ranges; from S3 the app answers
//! with a redirect to a short-lived presigned URL, after its own permission check.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart, local::LocalFileSystem, path::Path as Key,
};
use tokio::io::AsyncReadExt;

/// How the bytes of a stored object reach the client.
pub enum Delivery {
    /// A file on this machine, served with ranges and conditional requests.
    Local(PathBuf),
    /// A presigned URL to redirect to.
    Redirect(String),
}

/// Where uploaded media live. Cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    /// Set for a local directory: files are renamed into place and served from here.
    local_root: Option<PathBuf>,
    /// Where uploads are spooled before they are moved into the store.
    incoming: PathBuf,
    #[cfg(feature = "s3")]
    signer: Option<Arc<dyn object_store::signer::Signer>>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({})", self.store)
    }
}

/// Presigned URLs live this long: enough to start playing, too short to share around.
pub const PRESIGNED_TTL: Duration = Duration::from_secs(300);

impl MediaStore {
    /// A store in the local directory `root` (created if missing).
    pub fn local(root: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(root).map_err(|e| format!("媒体目录 {} 无法创建：{e}", root.display()))?;
        let store = LocalFileSystem::new_with_prefix(root).map_err(|e| format!("媒体目录 {}：{e}", root.display()))?;
        Ok(Self {
            store: Arc::new(store),
            local_root: Some(root.to_path_buf()),
            incoming: root.join(".incoming"),
            #[cfg(feature = "s3")]
            signer: None,
        })
    }

    /// The store named by `--media`: `None`, a path or `file://…` is local; `s3://…` is S3
    /// (credentials and region from the usual `AWS_*` environment variables). `spool` is a
    /// local directory for uploads on their way in.
    pub fn open(url: Option<&str>, default_root: &Path, spool: &Path) -> Result<Self, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Self::local(default_root),
            Some(u) if u.starts_with("s3://") => Self::s3(u, spool),
            Some(u) if u.contains("://") && !u.starts_with("file://") => {
                Err(format!("不支持的媒体存储地址 {u}：请使用本地目录或 s3://存储桶/前缀"))
            }
            Some(u) => Self::local(Path::new(u.trim_start_matches("file://"))),
        }
    }

    #[cfg(feature = "s3")]
    fn s3(url: &str, spool: &Path) -> Result<Self, String> {
        // The prefix after the bucket keeps several sites apart in one bucket.
        let prefix = url.trim_start_matches("s3://").split_once('/').map(|(_, p)| p.trim_matches('/')).unwrap_or("");
        Self::s3_with(object_store::aws::AmazonS3Builder::from_env().with_url(url), prefix, spool)
    }

    /// An S3 store from a configured builder, keys under `prefix`.
    #[cfg(feature = "s3")]
    pub fn s3_with(builder: object_store::aws::AmazonS3Builder, prefix: &str, spool: &Path) -> Result<Self, String> {
        let s3 = Arc::new(builder.build().map_err(|e| format!("S3 媒体存储配置有误：{e}"))?);
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            s3.clone()
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3.clone(), prefix))
        };
        let mut m = Self { store, local_root: None, incoming: spool.to_path_buf(), signer: None };
        m.signer = Some(Arc::new(PrefixedSigner { inner: s3, prefix: prefix.to_owned() }));
        Ok(m)
    }

    #[cfg(not(feature = "s3"))]
    fn s3(url: &str, _spool: &Path) -> Result<Self, String> {
        Err(format!("这个版本不含 S3 支持，无法使用 {url}：请用 `cargo build --release --features s3` 构建"))
    }

    /// Whether the store is a local directory served at `/media/`.
    pub fn is_local(&self) -> bool {
        self.local_root.is_some()
    }

    /// A short description for the startup log.
    pub fn describe(&self) -> String {
        match &self.local_root {
            Some(root) => format!("本地目录 {}", root.display()),
            None => self.store.to_string(),
        }
    }

    /// The directory where uploads are spooled (created if missing). For a local store it
    /// is inside the media directory, so moving a finished upload in is a rename.
    pub async fn incoming_dir(&self) -> std::io::Result<PathBuf> {
        tokio::fs::create_dir_all(&self.incoming).await?;
        Ok(self.incoming.clone())
    }

    /// Moves the finished upload at `spooled` into the store under `key`. The spooled file
    /// is gone afterwards either way.
    pub async fn put_file(&self, key: &str, spooled: &Path) -> Result<(), String> {
        let result = self.put_file_inner(key, spooled).await;
        let _ = tokio::fs::remove_file(spooled).await;
        result
    }

    async fn put_file_inner(&self, key: &str, spooled: &Path) -> Result<(), String> {
        if let Some(root) = &self.local_root {
            let target = root.join(key);
            if let Some(dir) = target.parent() {
                tokio::fs::create_dir_all(dir).await.map_err(|e| format!("media dir: {e}"))?;
            }
            return tokio::fs::rename(spooled, &target).await.map_err(|e| format!("media rename: {e}"));
        }
        let upload = self.store.put_multipart(&Key::from(key)).await.map_err(|e| format!("media upload: {e}"))?;
        let mut writer = WriteMultipart::new(upload);
        let mut file = tokio::fs::File::open(spooled).await.map_err(|e| format!("media spool: {e}"))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            // At most a few parts in flight: memory stays flat however large the file.
            writer.wait_for_capacity(4).await.map_err(|e| format!("media upload: {e}"))?;
            let n = file.read(&mut buf).await.map_err(|e| format!("media spool: {e}"))?;
            if n == 0 {
                break;
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(|e| format!("media upload: {e}"))?;
        Ok(())
    }

    /// Stores a small object (a poster) from memory.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.store
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| format!("media put: {e}"))
    }

    /// Removes an object; a missing one is not an error.
    pub async fn delete(&self, key: &str) {
        let _ = self.store.delete(&Key::from(key)).await;
    }

    /// How to send the object `key`: a local file, or a presigned redirect.
    pub async fn deliver(&self, key: &str) -> Option<Delivery> {
        if key.split('/').any(|part| part.is_empty() || part == ".." || part.starts_with('.')) {
            return None;
        }
        if let Some(root) = &self.local_root {
            return Some(Delivery::Local(root.join(key)));
        }
        #[cfg(feature = "s3")]
        if let Some(signer) = &self.signer {
            return signer
                .signed_url(object_store::signer::Method::GET, &Key::from(key), PRESIGNED_TTL)
                .await
                .ok()
                .map(|u| Delivery::Redirect(u.to_string()));
        }
        None
    }
}

/// Signs keys of a prefixed bucket (the `PrefixStore` does not sign).
#[cfg(feature = "s3")]
#[derive(Debug)]
struct PrefixedSigner {
    inner: Arc<object_store::aws::AmazonS3>,
    prefix: String,
}

#[cfg(feature = "s3")]
#[async_trait::async_trait]
impl object_store::signer::Signer for PrefixedSigner {
    async fn signed_url(
        &self,
        method: object_store::signer::Method,
        path: &Key,
        expires_in: Duration,
    ) -> object_store::Result<object_store::signer::Url> {
        let full = if self.prefix.is_empty() { path.clone() } else { Key::from(format!("{}/{path}", self.prefix)) };
        self.inner.signed_url(method, &full, expires_in).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_store_moves_uploads_in_whole_and_refuses_odd_keys() {
        let dir = tempfile_dir();
        let store = MediaStore::local(&dir).unwrap();
        let spool = store.incoming_dir().await.unwrap().join("up.part");
        tokio::fs::write(&spool, b"video bytes").await.unwrap();
        store.put_file("videos/2026/11/a.webm", &spool).await.unwrap();
        assert!(!spool.exists());
        assert_eq!(std::fs::read(dir.join("videos/2026/11/a.webm")).unwrap(), b"video bytes");
        assert!(matches!(store.deliver("videos/2026/11/a.webm").await, Some(Delivery::Local(_))));
        for bad in ["../etc/passwd", "a//b", ".incoming/x", ""] {
            assert!(store.deliver(bad).await.is_none(), "{bad}");
        }
        store.put_bytes("posters/p.svg", b"<svg/>".to_vec()).await.unwrap();
        store.delete("posters/p.svg").await;
        assert!(!dir.join("posters/p.svg").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_schemes_are_refused_with_a_message() {
        let dir = tempfile_dir();
        let e = MediaStore::open(Some("ftp://x/y"), &dir, &dir).unwrap_err();
        assert!(e.contains("不支持"), "{e}");
        #[cfg(not(feature = "s3"))]
        assert!(MediaStore::open(Some("s3://bucket/site"), &dir, &dir).unwrap_err().contains("--features s3"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Presigning is computed locally: no S3 server is needed to check the URL.
    #[cfg(feature = "s3")]
    #[tokio::test]
    async fn s3_objects_are_delivered_as_short_lived_presigned_urls_under_the_prefix() {
        let builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name("dangjian-media")
            .with_region("cn-north-1")
            .with_endpoint("http://127.0.0.1:9")
            .with_allow_http(true)
            .with_access_key_id("AKIDEXAMPLE")
            .with_secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let dir = tempfile_dir();
        let store = MediaStore::s3_with(builder, "/site-a/", &dir).unwrap();
        assert!(!store.is_local());
        let Some(Delivery::Redirect(url)) = store.deliver("videos/2026/11/a.webm").await else {
            panic!("an S3 object is delivered by redirect")
        };
        assert!(url.contains("/site-a/videos/2026/11/a.webm?"), "{url}");
        assert!(url.contains("X-Amz-Expires=300"), "{url}");
        assert!(url.contains("X-Amz-Signature="), "{url}");
        assert!(store.deliver("../secret").await.is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("dj-media-{}-{}", std::process::id(), fastrand::u64(..)));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
