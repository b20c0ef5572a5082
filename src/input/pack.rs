//! Blobs read straight out of a repository's packs for `scan --history`, each delta chain
//! resolved from what this worker resolved before.
//!
//! Git stores most versions of a file as deltas against another version (usually a newer one),
//! many against the same base: on rust-lang/cargo 65,000 delta blobs sit on 4,600 whole ones,
//! in chains up to 28 deep. The object database's reader caches the objects it resolves but
//! never the whole base at a chain's root, so every version read inflates its chain's base
//! again: most of a history scan's time went to inflating the same bases. Here every object on
//! the way, root included, is kept (up to [`CACHE_BYTES`]), and the versions of a file are
//! read one after the other (newest first, as git's deltas run), so each base is inflated once
//! and each version costs its own delta.
//!
//! Only what this module can read for sure is read here: an object in none of the packs (a
//! loose object, one from an alternate), a ref-delta whose base is in another pack, or a chain
//! with an object too large to hold is left to the object database ([`Read::Elsewhere`]).

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::rc::Rc;

use gix_hash::oid;
use gix_object::Kind;
use gix_pack::data::entry::Header;

/// What one worker keeps of the objects it resolved, in bytes: enough for the versions of one
/// file and their bases, small next to the 200 MB a history scan may take.
const CACHE_BYTES: usize = 4 * 1024 * 1024;
/// Objects larger than this are not kept (they would push everything else out).
const CACHE_OBJECT_MAX: usize = CACHE_BYTES / 4;
/// The largest commit or tree read here (larger ones are the object database's to read).
const OBJECT_MAX: u64 = 64 << 20;
/// A delta chain longer than this is corrupt (git's default depth is 50; `--depth` allows
/// 4095).
const CHAIN_MAX: usize = 10_000;

/// The packs of an object directory (`objects/pack/*.idx`), mapped.
pub struct Packs {
    bundles: Vec<gix_pack::Bundle>,
}

impl Packs {
    /// Every pack under `objects/pack` that opens; the object database reads any other.
    pub fn open(objects: &Path) -> Packs {
        let mut paths: Vec<_> = std::fs::read_dir(objects.join("pack"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "idx"))
            .collect();
        paths.sort();
        let bundles = (paths.iter())
            .filter_map(|path| gix_pack::Bundle::at(path, gix_hash::Kind::Sha1).ok())
            .collect();
        Packs { bundles }
    }

    /// The pack holding `id`, and where.
    fn locate(&self, id: &oid) -> Option<(usize, u64)> {
        self.bundles.iter().enumerate().find_map(|(pack, bundle)| {
            let index = bundle.index.lookup(id)?;
            Some((pack, bundle.index.pack_offset_at_index(index)))
        })
    }
}

/// What [`PackReader::read`] came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// The blob's bytes.
    Blob(Rc<Vec<u8>>),
    /// Larger than the limit: not inflated.
    TooLarge(u64),
    /// Not a blob: what it is.
    NotABlob(Kind),
    /// Not in these packs, or not readable here: for the object database to read.
    Elsewhere,
    /// In a pack, but corrupt: why.
    Corrupt(String),
}

/// One worker's reader: its inflater, its cache of resolved objects, and a buffer for deltas.
#[derive(Default)]
pub struct PackReader {
    inflate: gix_zlib::Inflate,
    cache: Cache,
    delta: Vec<u8>,
}

impl PackReader {
    /// Forget what was resolved: the packs it came from are going.
    pub fn clear(&mut self) {
        self.cache = Cache::default();
    }

    /// Read the blob `id` (exactly its bytes) if it is at most `max` bytes: shared with the
    /// cache, not copied out of it.
    pub fn read(&mut self, packs: &Packs, id: &oid, max: u64) -> Read {
        let Some((pack, offset)) = packs.locate(id) else {
            return Read::Elsewhere;
        };
        match self.resolve(&packs.bundles[pack], pack, offset, max, true) {
            Ok(Resolved::Object(data, _)) => Read::Blob(data),
            Ok(Resolved::Skip(read)) => read,
            Err(Corrupt(reason)) => Read::Corrupt(reason),
        }
    }

    /// Read the object `id` of any kind (a commit, a tree) into `out`, and say its kind;
    /// `None` when it is for the object database to read (not here, or not readable here).
    pub fn read_any(&mut self, packs: &Packs, id: &oid, out: &mut Vec<u8>) -> Option<Kind> {
        let (pack, offset) = packs.locate(id)?;
        match self.resolve(&packs.bundles[pack], pack, offset, OBJECT_MAX, false) {
            Ok(Resolved::Object(data, kind)) => {
                out.clear();
                out.extend_from_slice(&data);
                Some(kind)
            }
            Ok(Resolved::Skip(_)) | Err(_) => None,
        }
    }

    /// The object at `offset` of `bundle`, resolved through its chain of deltas.
    /// A blob of at most `max` bytes when `blob`, else an object of any kind.
    fn resolve(
        &mut self,
        bundle: &gix_pack::Bundle,
        pack: usize,
        offset: u64,
        max: u64,
        blob: bool,
    ) -> Result<Resolved, Corrupt> {
        // Down the chain to a base: an object resolved before, or one stored whole.
        let mut chain = Vec::new();
        let mut at = offset;
        let (base, kind) = loop {
            if let Some(found) = self.cache.get(pack, at) {
                break found;
            }
            let entry = bundle.pack.entry(at).map_err(Corrupt::from)?;
            let base_at = match entry.header {
                Header::OfsDelta { base_distance } => entry
                    .checked_base_pack_offset(base_distance)
                    .ok_or_else(|| Corrupt("a delta's base lies before the pack".to_owned()))?,
                Header::RefDelta { base_id } => match bundle.index.lookup(base_id) {
                    Some(index) => bundle.index.pack_offset_at_index(index),
                    None => return Ok(Resolved::Skip(Read::Elsewhere)),
                },
                header => {
                    // Every header that is not a delta names a kind.
                    let kind = header.as_kind().unwrap_or(Kind::Blob);
                    if chain.is_empty() && blob {
                        if kind != Kind::Blob {
                            return Ok(Resolved::Skip(Read::NotABlob(kind)));
                        }
                        if entry.decompressed_size > max {
                            return Ok(Resolved::Skip(Read::TooLarge(entry.decompressed_size)));
                        }
                    }
                    let Some(size) = holdable(entry.decompressed_size, max) else {
                        return Ok(Resolved::Skip(Read::Elsewhere));
                    };
                    let mut data = vec![0; size];
                    (bundle.pack)
                        .decompress_entry(&entry, &mut self.inflate, &mut data)
                        .map_err(|e| Corrupt(e.to_string()))?;
                    let data = Rc::new(data);
                    self.cache.put(pack, at, &data, kind);
                    break (data, kind);
                }
            };
            chain.push(entry);
            if chain.len() > CHAIN_MAX {
                return Err(Corrupt("a delta chain without end".to_owned()));
            }
            at = base_at;
        };
        // The object itself was in the cache (kept as the base of another): its size is
        // checked as for one read from the pack (its kind, below).
        if chain.is_empty() && blob && kind == Kind::Blob && base.len() as u64 > max {
            return Ok(Resolved::Skip(Read::TooLarge(base.len() as u64)));
        }
        // Back up the chain, each delta applied to the object below it.
        let mut data = base;
        for (step, entry) in chain.iter().enumerate().rev() {
            let Some(size) = holdable(entry.decompressed_size, max) else {
                return Ok(Resolved::Skip(Read::Elsewhere));
            };
            self.delta.clear();
            self.delta.resize(size, 0);
            (bundle.pack)
                .decompress_entry(entry, &mut self.inflate, &mut self.delta)
                .map_err(|e| Corrupt(e.to_string()))?;
            let (base_size, result_size, instructions) = delta_header(&self.delta)?;
            if base_size != data.len() as u64 {
                return Err(Corrupt("a delta does not fit its base".to_owned()));
            }
            if step == 0 && (kind == Kind::Blob || !blob) && result_size > max {
                return Ok(Resolved::Skip(Read::TooLarge(result_size)));
            }
            let Some(result_size) = holdable(result_size, max) else {
                return Ok(Resolved::Skip(Read::Elsewhere));
            };
            let result = Rc::new(apply_delta(&data, instructions, result_size)?);
            self.cache.put(pack, entry.pack_offset(), &result, kind);
            data = result;
        }
        if blob && kind != Kind::Blob {
            return Ok(Resolved::Skip(Read::NotABlob(kind)));
        }
        Ok(Resolved::Object(data, kind))
    }
}

/// `size` as a length this reader may allocate: an object on the way to a blob of at most
/// `max` bytes may be larger than it, but not without bound (a corrupt header).
fn holdable(size: u64, max: u64) -> Option<usize> {
    let limit = max.saturating_mul(4).max(64 << 20);
    (size <= limit)
        .then_some(size)
        .and_then(|s| usize::try_from(s).ok())
}

enum Resolved {
    Object(Rc<Vec<u8>>, Kind),
    Skip(Read),
}

struct Corrupt(String);

impl From<gix_pack::data::entry::decode::Error> for Corrupt {
    fn from(e: gix_pack::data::entry::decode::Error) -> Self {
        Corrupt(e.to_string())
    }
}

/// A resolved object, and its kind.
type Kept = (Rc<Vec<u8>>, Kind);

/// Resolved objects by (pack, offset), the oldest put forgotten first past [`CACHE_BYTES`].
#[derive(Default)]
struct Cache {
    objects: HashMap<(usize, u64), Kept>,
    order: VecDeque<(usize, u64)>,
    bytes: usize,
}

impl Cache {
    fn get(&self, pack: usize, offset: u64) -> Option<Kept> {
        self.objects.get(&(pack, offset)).cloned()
    }

    fn put(&mut self, pack: usize, offset: u64, data: &Rc<Vec<u8>>, kind: Kind) {
        if data.len() > CACHE_OBJECT_MAX {
            return;
        }
        if self
            .objects
            .insert((pack, offset), (data.clone(), kind))
            .is_none()
        {
            self.order.push_back((pack, offset));
            self.bytes += data.len();
        }
        while self.bytes > CACHE_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((gone, _)) = self.objects.remove(&oldest) {
                self.bytes -= gone.len();
            }
        }
    }
}

/// A delta's header (git's pack format: the base's size and the result's, each a
/// little-endian base-128 number) and the instructions after it.
fn delta_header(delta: &[u8]) -> Result<(u64, u64, &[u8]), Corrupt> {
    let (base, rest) = varint(delta)?;
    let (result, rest) = varint(rest)?;
    Ok((base, result, rest))
}

fn varint(data: &[u8]) -> Result<(u64, &[u8]), Corrupt> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, &data[i + 1..]));
        }
    }
    Err(Corrupt("a delta's header is cut short".to_owned()))
}

/// Apply git delta `instructions` to `base`, giving exactly `size` bytes. An instruction with
/// its high bit set copies from the base (offset and size in the bytes its low seven bits
/// name; a size of 0 means 0x10000); any other but 0 inserts that many bytes that follow it.
fn apply_delta(base: &[u8], mut instructions: &[u8], size: usize) -> Result<Vec<u8>, Corrupt> {
    let corrupt = |what: &str| Corrupt(format!("a delta {what}"));
    let mut out = Vec::with_capacity(size);
    while let Some((&op, rest)) = instructions.split_first() {
        instructions = rest;
        if op & 0x80 != 0 {
            let mut field = |bits: u8, bytes: usize| -> Result<usize, Corrupt> {
                let mut value = 0usize;
                for i in 0..bytes {
                    if bits & (1 << i) != 0 {
                        let (&byte, rest) = instructions
                            .split_first()
                            .ok_or_else(|| corrupt("copy is cut short"))?;
                        instructions = rest;
                        value |= usize::from(byte) << (8 * i);
                    }
                }
                Ok(value)
            };
            let offset = field(op & 0x0f, 4)?;
            let length = match field((op >> 4) & 0x07, 3)? {
                0 => 0x10000,
                n => n,
            };
            let end = offset
                .checked_add(length)
                .filter(|&end| end <= base.len())
                .ok_or_else(|| corrupt("copies from beyond its base"))?;
            if out.len() + length > size {
                return Err(corrupt("makes more than its size"));
            }
            out.extend_from_slice(&base[offset..end]);
        } else if op != 0 {
            let length = usize::from(op);
            if length > instructions.len() || out.len() + length > size {
                return Err(corrupt("inserts beyond its end"));
            }
            out.extend_from_slice(&instructions[..length]);
            instructions = &instructions[length..];
        } else {
            return Err(corrupt("has the reserved instruction 0"));
        }
    }
    if out.len() != size {
        return Err(corrupt("makes less than its size"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_copy_and_insert_as_git_writes_them() {
        let base = b"hello, world\n";
        // Base size 13, result size 16: copy 7 bytes from 0, insert "there", copy 6 from 7
        // ("world\n"), then 4 bytes too many are an error.
        let mut delta = vec![13, 18];
        delta.extend([0x80 | 0x10, 7]);
        delta.extend([5]);
        delta.extend(b"there");
        delta.extend([0x80 | 0x01 | 0x10, 7, 6]);
        let (b, r, instructions) = delta_header(&delta).ok().unwrap_or_default();
        assert_eq!((b, r), (13, 18));
        let out = apply_delta(base, instructions, 18).ok();
        assert_eq!(out.as_deref(), Some(&b"hello, thereworld\n"[..]));
        assert!(apply_delta(base, instructions, 17).is_err());
        assert!(apply_delta(base, instructions, 19).is_err());
        // A copy past the base's end, and the reserved instruction.
        assert!(apply_delta(base, &[0x80 | 0x01 | 0x10, 10, 6], 6).is_err());
        assert!(apply_delta(base, &[0], 0).is_err());
        // A copy size of 0 means 0x10000.
        let big = vec![7u8; 0x10000];
        let out = apply_delta(&big, &[0x80], 0x10000).ok();
        assert_eq!(out.map(|o| o.len()), Some(0x10000));
    }
}
