//! Pages kept from the last build. A page is its template run on its context, then finished with
//! the settings of the site (relative links, the anchors its permalinks want): when all of these
//! are what they were when the page was last made, the page is the same. So a build with a cache
//! fingerprints each page, and where the fingerprint, and the file in the output folder, are the
//! ones the last build recorded, it hands that file over instead of rendering the page.
//!
//! - The build's stamp covers what every page shares: evident's version and binary, the theme (its
//!   templates and strings), the site's settings, and the settings `finish` applies. A different
//!   stamp keeps nothing.
//! - Most pages are keyed by their inputs ([`inputs_key`]): what their context is made from, as
//!   their job names it, fingerprinted before the context is made (so a kept page's context is
//!   never made). The views are fingerprinted as serde writes them ([`add_data`]: an encoding of
//!   their data, no text made), their Rust types (and so which strings are marked safe) fixed by
//!   the page's kind; each finding's, source's and claim's view once a build ([`ViewPrints`]),
//!   however many pages show it.
//! - Other pages are keyed by their context ([`page_key`]): its template, output path, wanted
//!   anchors and context, every value with its kind (a string's safe mark included). A context
//!   holding anything whose output cannot be told from its data (a plain object) is never kept.
//! - A kept page is read back from the output folder and used only if its bytes still have the
//!   fingerprint recorded when it was written: a folder edited by hand, or another site's, costs a
//!   render, never a wrong page.
//!
//! Fingerprints are 128-bit XXH3 hashes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use minijinja::value::{Value, ValueKind};
use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::model::{Finding, FindingId, ReadText, Site, SourceId};

/// What `serve` made from each finding in its last run, with the finding it was made from: taken
/// again while the finding is that allocation (`serve` resolves again only the findings that
/// changed). Holding the finding keeps any other from being made at its address meanwhile.
pub(crate) struct ByFinding<T>(FxHashMap<FindingId, (Arc<Finding>, Arc<T>)>);

impl<T> Default for ByFinding<T> {
    fn default() -> Self {
        ByFinding(FxHashMap::default())
    }
}

impl<T> ByFinding<T> {
    /// What was made from `f` (the finding `id`), if it was made from this allocation.
    pub fn get(&self, id: &FindingId, f: &Arc<Finding>) -> Option<&Arc<T>> {
        let (made_from, made) = self.0.get(id)?;
        Arc::ptr_eq(made_from, f).then_some(made)
    }

    /// Keeps `made`, made from `f` (the finding `id`), in place of what was made from it before.
    pub fn keep(&mut self, id: &FindingId, f: &Arc<Finding>, made: &Arc<T>) {
        match self.0.get_mut(id) {
            Some(entry) if Arc::ptr_eq(&entry.1, made) => {}
            Some(entry) => *entry = (f.clone(), made.clone()),
            None => {
                self.0.insert(id.clone(), (f.clone(), made.clone()));
            }
        }
    }

    /// Forgets what was made from findings that are not `findings`' any more.
    pub fn only(&mut self, findings: &BTreeMap<FindingId, Arc<Finding>>) {
        self.0
            .retain(|id, (f, _)| findings.get(id).is_some_and(|now| Arc::ptr_eq(f, now)));
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&FindingId, &Arc<T>)> {
        self.0.iter().map(|(id, (_, made))| (id, made))
    }
}

/// A 128-bit fingerprint being made.
pub(crate) struct Fingerprint(Box<xxhash_rust::xxh3::Xxh3>);

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint(Box::default())
    }

    fn tag(&mut self, tag: u8) {
        self.0.update(&[tag]);
    }

    /// Adds `bytes`, with their length first, so that no two sequences of parts run together.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Adds a fingerprint made elsewhere.
    pub fn print(&mut self, print: u128) {
        self.0.update(&print.to_le_bytes());
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

thread_local! {
    /// [`Feed`]'s buffer, kept for the next value: a build fingerprints a hundred thousand.
    static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Adds `value` as serde writes it, a whole encoding of its data: each value tagged with its
/// kind, strings with their length, lists, maps and structs (with their fields' names) closed,
/// so that no two values give the same bytes; no text is made, nothing escaped. For a page's
/// inputs, whose Rust types (and so which strings are marked safe for templates) are fixed by the
/// page's kind: `false` when the value refuses to be written.
pub(crate) fn add_data<T: Serialize + ?Sized>(fp: &mut Fingerprint, value: &T) -> bool {
    let mut buf = BUFFER.take();
    buf.clear();
    buf.reserve(FEED);
    let mut feed = Feed { fp, buf };
    let written = value.serialize(&mut feed).is_ok();
    feed.flush();
    BUFFER.set(feed.buf);
    written
}

/// Adds `value` as its `Hash` writes it (as derived: every field, strings and lists with their
/// lengths), through the same buffer as [`add_data`]: for model types, which are not
/// serialisable.
pub(crate) fn add_hashed<T: std::hash::Hash + ?Sized>(fp: &mut Fingerprint, value: &T) {
    let mut buf = BUFFER.take();
    buf.clear();
    buf.reserve(FEED);
    let mut feed = Feed { fp, buf };
    value.hash(&mut feed);
    feed.flush();
    BUFFER.set(feed.buf);
}

/// How many bytes [`Feed`] gathers before handing them to the hash.
const FEED: usize = 8192;

/// A serde serializer into a fingerprint, a few kilobytes at a time (a shared map of views is
/// megabytes). Its writes are a few bytes each, millions a build: each is a copy and a
/// comparison, and handing a full buffer to the hash is kept apart.
struct Feed<'a> {
    fp: &'a mut Fingerprint,
    /// Holds up to `FEED` bytes, and has room for them.
    buf: Vec<u8>,
}

/// The tags of [`Feed`]'s encoding.
mod tag {
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const INT128: u8 = 3;
    pub const UINT: u8 = 4;
    pub const UINT128: u8 = 5;
    pub const FLOAT: u8 = 6;
    pub const CHAR: u8 = 7;
    pub const STR: u8 = 8;
    pub const BYTES: u8 = 9;
    pub const NONE: u8 = 10;
    pub const SOME: u8 = 11;
    pub const UNIT: u8 = 12;
    pub const UNIT_VARIANT: u8 = 13;
    pub const VARIANT: u8 = 14;
    pub const LIST: u8 = 15;
    pub const MAP: u8 = 16;
    pub const STRUCT: u8 = 17;
    pub const END: u8 = 18;
    pub const FIELD: u8 = 19;
}

/// A hasher for [`add_hashed`]: what a `Hash` writes goes into the fingerprint.
impl std::hash::Hasher for Feed<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.put(bytes);
    }

    /// Not read: the fingerprint is [`Fingerprint::finish`], once every value is added.
    fn finish(&self) -> u64 {
        0
    }
}

impl Feed<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() <= FEED {
            self.buf.extend_from_slice(bytes);
        } else {
            self.put_full(bytes);
        }
    }

    /// [`Feed::put`] when the buffer cannot take `bytes`.
    #[cold]
    fn put_full(&mut self, bytes: &[u8]) {
        self.flush();
        if bytes.len() > FEED {
            self.fp.0.update(bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    fn flush(&mut self) {
        self.fp.0.update(&self.buf);
        self.buf.clear();
    }

    #[inline]
    fn tagged(&mut self, tag: u8, bytes: &[u8]) -> Result<(), Refused> {
        self.put(&[tag]);
        self.put(bytes);
        Ok(())
    }

    #[inline]
    fn text(&mut self, tag: u8, bytes: &[u8]) -> Result<(), Refused> {
        let mut head = [tag; 9];
        head[1..].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.put(&head);
        self.put(bytes);
        Ok(())
    }
}

/// A value that would not be written (its `Serialize` failed).
#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value refused to be written")
    }
}

impl std::error::Error for Refused {}

impl serde::ser::Error for Refused {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Refused
    }
}

impl serde::Serializer for &mut Feed<'_> {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Refused> {
        self.tagged(tag::BOOL, &[u8::from(v)])
    }
    fn serialize_i8(self, v: i8) -> Result<(), Refused> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Refused> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Refused> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Refused> {
        self.tagged(tag::INT, &v.to_le_bytes())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Refused> {
        self.tagged(tag::INT128, &v.to_le_bytes())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Refused> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Refused> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Refused> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Refused> {
        self.tagged(tag::UINT, &v.to_le_bytes())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Refused> {
        self.tagged(tag::UINT128, &v.to_le_bytes())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Refused> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Refused> {
        self.tagged(tag::FLOAT, &v.to_bits().to_le_bytes())
    }
    fn serialize_char(self, v: char) -> Result<(), Refused> {
        self.tagged(tag::CHAR, &u32::from(v).to_le_bytes())
    }
    fn serialize_str(self, v: &str) -> Result<(), Refused> {
        self.text(tag::STR, v.as_bytes())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Refused> {
        self.text(tag::BYTES, v)
    }
    fn serialize_none(self) -> Result<(), Refused> {
        self.tagged(tag::NONE, &[])
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Refused> {
        self.tagged(tag::SOME, &[])?;
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Refused> {
        self.tagged(tag::UNIT, &[])
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Refused> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        i: u32,
        _: &'static str,
    ) -> Result<(), Refused> {
        self.tagged(tag::UNIT_VARIANT, &i.to_le_bytes())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        i: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        self.tagged(tag::VARIANT, &i.to_le_bytes())?;
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Refused> {
        self.tagged(tag::LIST, &[])?;
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Refused> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Refused> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        i: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Refused> {
        self.tagged(tag::VARIANT, &i.to_le_bytes())?;
        self.serialize_seq(None)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Refused> {
        self.tagged(tag::MAP, &[])?;
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Refused> {
        self.tagged(tag::STRUCT, &[])?;
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        i: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Refused> {
        self.tagged(tag::VARIANT, &i.to_le_bytes())?;
        self.serialize_struct("", 0)
    }
}

/// Every list's, map's and struct's items, each written as itself, then the end.
macro_rules! feed_items {
    ($($trait:ident :: $item:ident),*) => {$(
        impl serde::ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = Refused;
            fn $item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Refused> {
                self.tagged(tag::END, &[])
            }
        }
    )*};
}

feed_items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl serde::ser::SerializeMap for &mut Feed<'_> {
    type Ok = ();
    type Error = Refused;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Refused> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Refused> {
        self.tagged(tag::END, &[])
    }
}

/// A struct's fields, each with its name (a field left out is then never taken for another).
macro_rules! feed_fields {
    ($($trait:ident),*) => {$(
        impl serde::ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = Refused;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Refused> {
                self.text(tag::FIELD, key.as_bytes())?;
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Refused> {
                self.tagged(tag::END, &[])
            }
        }
    )*};
}

feed_fields!(SerializeStruct, SerializeStructVariant);

/// The fingerprint of `bytes` alone (a page as written).
pub(crate) fn of_bytes(bytes: &[u8]) -> u128 {
    let mut fp = Fingerprint::new();
    fp.bytes(bytes);
    fp.finish()
}

/// Adds `v` to `fp`, each value with its kind. `false` when `v` holds a value whose output cannot
/// be told from its data (a plain object, an invalid value).
pub(crate) fn add_value(fp: &mut Fingerprint, v: &Value) -> bool {
    match v.kind() {
        ValueKind::Undefined => fp.tag(0),
        ValueKind::None => fp.tag(1),
        ValueKind::Bool => {
            fp.tag(2);
            fp.bytes(&[u8::from(v.is_true())]);
        }
        ValueKind::Number => {
            fp.tag(3);
            fp.bytes(v.to_string().as_bytes());
        }
        ValueKind::String => {
            fp.tag(if v.is_safe() { 5 } else { 4 });
            fp.bytes(v.as_str().unwrap_or_default().as_bytes());
        }
        ValueKind::Bytes => {
            fp.tag(6);
            fp.bytes(v.as_bytes().unwrap_or_default());
        }
        ValueKind::Seq | ValueKind::Iterable => {
            fp.tag(if v.kind() == ValueKind::Seq { 7 } else { 8 });
            return add_items(fp, v, false);
        }
        ValueKind::Map => {
            fp.tag(9);
            return add_items(fp, v, true);
        }
        // A plain object, an invalid value, or a kind minijinja adds later.
        _ => return false,
    }
    true
}

/// Adds the map `v` as [`add_value`] does, but for its entry `left_out`. `false` when `v` is not a
/// map, or holds a value [`add_value`] refuses.
pub(crate) fn add_map_but(fp: &mut Fingerprint, v: &Value, left_out: &str) -> bool {
    if v.kind() != ValueKind::Map {
        return false;
    }
    fp.tag(9);
    let Ok(keys) = v.try_iter() else {
        return false;
    };
    let mut n = 0usize;
    for key in keys.filter(|k| k.as_str() != Some(left_out)) {
        match v.get_item(&key) {
            Ok(value) if add_value(fp, &key) && add_value(fp, &value) => n += 1,
            _ => return false,
        }
    }
    fp.bytes(&n.to_le_bytes());
    true
}

/// Adds the items of a sequence, or the keys and values of a map, then their count.
fn add_items(fp: &mut Fingerprint, v: &Value, map: bool) -> bool {
    let mut n = 0usize;
    if map {
        // Pairs, where the object gives them, save looking each key up again.
        if let Some(pairs) = v.as_object().and_then(|o| o.try_iter_pairs()) {
            for (key, value) in pairs {
                if !(add_value(fp, &key) && add_value(fp, &value)) {
                    return false;
                }
                n += 1;
            }
            fp.bytes(&n.to_le_bytes());
            return true;
        }
    }
    let Ok(items) = v.try_iter() else {
        return false;
    };
    for item in items {
        if !add_value(fp, &item) {
            return false;
        }
        if map {
            match v.get_item(&item) {
                Ok(value) if add_value(fp, &value) => {}
                _ => return false,
            }
        }
        n += 1;
    }
    fp.bytes(&n.to_le_bytes());
    true
}

/// Where the object behind a value is (the same for every clone of it), for the kinds of object
/// shared values are made of.
pub(crate) type Address = fn(&Value) -> Option<usize>;

/// Adds a shared value to a fingerprint from the data behind it ([`add_data`]), where that is quicker
/// than walking the value: `None` for a value it does not know.
pub(crate) type Direct<'a> = &'a dyn Fn(&Value, &mut Fingerprint) -> Option<bool>;

/// The values many pages share, and their fingerprints by the address of the object behind each:
/// worked out once, not once per page that holds the value.
pub(crate) struct Shared {
    address: Address,
    prints: HashMap<usize, u128>,
}

impl Shared {
    /// `None` when a shared value cannot be fingerprinted (then no page can be kept).
    pub fn new(address: Address, direct: Direct, shared: &[&Value]) -> Option<Self> {
        let mut prints = HashMap::new();
        for v in shared {
            let mut fp = Fingerprint::new();
            if !direct(v, &mut fp).unwrap_or_else(|| add_value(&mut fp, v)) {
                return None;
            }
            if let Some(at) = address(v) {
                prints.insert(at, fp.finish());
            }
        }
        Some(Shared { address, prints })
    }

    pub fn print(&self, v: &Value) -> Option<u128> {
        (self.address)(v).and_then(|at| self.prints.get(&at).copied())
    }
}

/// A page's key: its template, output path, the anchors its permalinks want (as text), and its
/// context, whose shared values count by their fingerprints. `None` when the page cannot be kept.
pub(crate) fn page_key(
    stamp: u128,
    page: [&str; 3],
    context: &Value,
    shared: &Shared,
) -> Option<u128> {
    let mut fp = Fingerprint::new();
    fp.bytes(&stamp.to_le_bytes());
    for part in page {
        fp.bytes(part.as_bytes());
    }
    if context.kind() != ValueKind::Map {
        return None;
    }
    let mut n = 0usize;
    for key in context.try_iter().ok()? {
        let value = context.get_item(&key).ok()?;
        if !add_value(&mut fp, &key) {
            return None;
        }
        match shared.print(&value) {
            Some(print) => {
                fp.tag(10);
                fp.bytes(&print.to_le_bytes());
            }
            None if add_value(&mut fp, &value) => {}
            None => return None,
        }
        n += 1;
    }
    fp.bytes(&n.to_le_bytes());
    Some(fp.finish())
}

/// A page's key made from its inputs, before its context is made: its template, output path and
/// wanted anchors, the fingerprint of the shared `site` value, and what `inputs` adds (everything
/// else its context is made from). `None` when `inputs` cannot fingerprint them.
pub(crate) fn inputs_key(
    stamp: u128,
    page: [&str; 3],
    site: u128,
    inputs: impl FnOnce(&mut Fingerprint) -> bool,
) -> Option<u128> {
    let mut fp = Fingerprint::new();
    // Never the key of a context (which starts with the stamp).
    fp.tag(11);
    fp.print(stamp);
    for part in page {
        fp.bytes(part.as_bytes());
    }
    fp.print(site);
    inputs(&mut fp).then(|| fp.finish())
}

/// A page's key with the values among many its template read (`read`, a bit each by place;
/// `prints`, each value's fingerprint): the key itself when it read none. The site's counts are
/// such values (as `templates::counts_read_in` gives them): they change with almost any edit, and
/// most pages show one at most. So are a keyed page's unread values (see `jobs::Unread`).
pub(crate) fn counted_key(key: u128, read: u64, prints: &[u128]) -> u128 {
    if read == 0 {
        return key;
    }
    let mut fp = Fingerprint::new();
    fp.print(key);
    fp.bytes(&read.to_le_bytes());
    for (at, print) in prints.iter().enumerate() {
        if at >= 64 || read & (1 << at) != 0 {
            fp.print(*print);
        }
    }
    fp.finish()
}

/// Fingerprints of what many pages' inputs share, worked out once a build.
pub(crate) struct Prints {
    /// Each source's CSL record, which its citations are made from, and the title and DOI its
    /// findings' JSON-LD names.
    sources: HashMap<SourceId, u128>,
    /// The views of the shared maps (shared with a later site of the same process:
    /// [`crate::render::MadePages`]).
    pub views: std::sync::Arc<ViewPrints>,
    /// Each of the shared values plain pages get, in their order (`jobs::page_shared_prints`).
    pub page_shared: Vec<u128>,
}

/// Each view of the shared maps of findings, sources and claims, fingerprinted once ([`add_data`])
/// by its id: a finding's view is among the inputs of its own page, its source's, each of its
/// claims' and a page of the findings index, and in the shared map of findings.
#[derive(Default)]
pub(crate) struct ViewPrints {
    pub findings: PrintMap,
    /// Every finding's, in the order of their ids ([`add_prints`]): the map of findings a topic's
    /// page holds, fingerprinted once rather than once a topic.
    pub every_finding: u128,
    pub sources: PrintMap,
    pub claims: PrintMap,
}

/// Views' fingerprints by their ids (FxHash: looked up for every page's key).
pub(crate) type PrintMap = rustc_hash::FxHashMap<String, u128>;

/// Adds the view with `id` by its fingerprint among `prints`, or that there is none.
pub(crate) fn add_print(fp: &mut Fingerprint, prints: &PrintMap, id: &str) {
    match prints.get(id) {
        Some(print) => {
            fp.tag(1);
            fp.print(*print);
        }
        None => fp.tag(0),
    }
}

/// Adds the views with `ids`, in order, by their fingerprints among `prints`, with their count
/// (so that no two lists run together).
pub(crate) fn add_prints<'a>(
    fp: &mut Fingerprint,
    prints: &PrintMap,
    ids: impl ExactSizeIterator<Item = &'a str>,
) {
    fp.bytes(&(ids.len() as u64).to_le_bytes());
    for id in ids {
        fp.bytes(id.as_bytes());
        add_print(fp, prints, id);
    }
}

impl Prints {
    pub fn of(site: &Site, views: std::sync::Arc<ViewPrints>, page_shared: Vec<u128>) -> Self {
        use rayon::prelude::*;
        let sources = (site.sources.par_iter())
            .map(|(_, s)| {
                let mut fp = Fingerprint::new();
                fp.bytes(crate::cite::csl_json(s).to_string().as_bytes());
                fp.bytes(s.title.as_bytes());
                fp.bytes(s.doi.as_deref().unwrap_or_default().as_bytes());
                (s.id.clone(), fp.finish())
            })
            .collect();
        Prints {
            sources,
            views,
            page_shared,
        }
    }

    /// Source `id`'s fingerprint (`0` for a source the site lacks).
    pub fn source(&self, id: &SourceId) -> u128 {
        self.sources.get(id).copied().unwrap_or_default()
    }
}

/// What the last build recorded of its pages, in bincode: the stamp, and for each page kept or
/// made, its output path and what was recorded of it ([`Recorded`]'s fields, in their order).
#[derive(Default, Serialize, Deserialize)]
pub struct PageCache {
    stamp: u128,
    pages: Vec<(String, u128, u128, Option<u64>, u64, u64)>,
}

/// What a build records of a page: the key it was made under, the fingerprint of its file, that
/// file's stamp when it was read back and was old enough to have one (`ReadText::stamp`), which
/// of the site's counts its template read, and which of its job's unread values (both in its key:
/// [`counted_key`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub key: u128,
    pub bytes: u128,
    pub stamp: Option<u64>,
    pub counts: u64,
    pub reads: u64,
}

/// Whether the file `real` (`rel` in the output folder) is still the one `last` records: known by its stamp when
/// `in_place` and a stamp was recorded (the file then not read: `None`), else read and its bytes
/// checked (`Some` of them). With what to record of it now: a stamp read with the file is kept
/// for the next build.
pub(crate) fn still_there(
    last: &Recorded,
    rel: &Path,
    real: &Path,
    in_place: bool,
    reader: &dyn ReadText,
) -> Option<(Option<String>, Recorded)> {
    let stamped = last.stamp.filter(|_| in_place);
    if stamped.is_some() && reader.stamp(real) == stamped {
        return Some((None, *last));
    }
    let (html, stamp) = reader.read_text_stamped(rel, real).ok()?;
    let same = of_bytes(html.as_bytes()) == last.bytes;
    same.then_some((Some(html), Recorded { stamp, ..*last }))
}

impl PageCache {
    /// The cache in `bytes`, with only the pages recorded under `stamp` (none when it was made
    /// under another, or is not a cache).
    pub(crate) fn read(bytes: Option<&[u8]>, stamp: u128) -> HashMap<String, Recorded> {
        let cache = bytes.and_then(|b| bincode::deserialize::<PageCache>(b).ok());
        let Some(cache) = cache.filter(|c| c.stamp == stamp) else {
            return HashMap::new();
        };
        (cache.pages.into_iter())
            .map(|(path, key, bytes, stamp, counts, reads)| {
                let recorded = Recorded {
                    key,
                    bytes,
                    stamp,
                    counts,
                    reads,
                };
                (path, recorded)
            })
            .collect()
    }

    /// The cache of `pages` (output path, what was recorded), in bincode.
    pub(crate) fn write(stamp: u128, pages: Vec<(String, Recorded)>) -> Vec<u8> {
        let cache = PageCache {
            stamp,
            pages: (pages.into_iter())
                .map(|(path, r)| (path, r.key, r.bytes, r.stamp, r.counts, r.reads))
                .collect(),
        };
        bincode::serialize(&cache).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;
    use std::collections::BTreeMap;

    fn no_address(_: &Value) -> Option<usize> {
        None
    }

    fn walked(_: &Value, _: &mut Fingerprint) -> Option<bool> {
        None
    }

    fn key_with(stamp: u128, output: &str, v: &Value) -> Option<u128> {
        let shared = Shared::new(no_address, &walked, &[]).unwrap();
        page_key(stamp, ["finding.html", output, ""], v, &shared)
    }

    fn key(v: &Value) -> Option<u128> {
        key_with(1, "findings/x/index.html", v)
    }

    #[test]
    fn a_key_is_the_same_for_the_same_context_and_differs_with_any_value_or_kind() {
        let a = context! { page => context! { title => "A" }, n => 1 };
        let same = context! { page => context! { title => "A" }, n => 1 };
        assert!(key(&a).is_some());
        assert_eq!(key(&a), key(&same));
        let differ = [
            context! { page => context! { title => "B" }, n => 1 },
            context! { page => context! { title => Value::from_safe_string("A".into()) }, n => 1 },
            context! { page => context! { title => "A" }, n => 2 },
            context! { page => context! { title => "A" }, n => "1" },
            context! { page => context! { title => "A", extra => () }, n => 1 },
            context! { page => context! { name => "A" }, n => 1 },
            context! { page => vec!["A"], n => 1 },
        ];
        for d in &differ {
            assert_ne!(key(&a), key(d), "{d:?}");
        }
        assert_ne!(key_with(1, "findings/y/index.html", &a), key(&a));
        assert_ne!(key_with(2, "findings/x/index.html", &a), key(&a));
        assert_ne!(
            key(&context! { a => (), b => Value::UNDEFINED }),
            key(&context! { a => Value::UNDEFINED, b => () })
        );
    }

    #[test]
    fn a_key_of_inputs_differs_with_the_stamp_page_site_or_any_input() {
        #[derive(Serialize)]
        struct View<'a> {
            title: &'a str,
            n: u32,
        }
        let page = ["finding.html", "findings/x/index.html", ""];
        let key = |stamp: u128, page: [&str; 3], site: u128, view: &View| {
            inputs_key(stamp, page, site, |fp| add_data(fp, view))
        };
        let a = View { title: "A", n: 1 };
        assert!(key(1, page, 7, &a).is_some());
        assert_eq!(
            key(1, page, 7, &a),
            key(1, page, 7, &View { title: "A", n: 1 })
        );
        let other_page = ["finding.html", "findings/y/index.html", ""];
        let differ = [
            key(2, page, 7, &a),
            key(1, other_page, 7, &a),
            key(1, page, 8, &a),
            key(1, page, 7, &View { title: "B", n: 1 }),
            key(1, page, 7, &View { title: "A", n: 2 }),
        ];
        for (i, d) in differ.iter().enumerate() {
            assert_ne!(key(1, page, 7, &a), *d, "case {i}");
        }
        // Parts run together differently are different inputs.
        let two =
            |x: &str, y: &str| inputs_key(1, page, 7, |fp| add_data(fp, x) && add_data(fp, y));
        assert_ne!(two("ab", "c"), two("a", "bc"));
        // What refuses to be written is never kept.
        struct Refuses;
        impl Serialize for Refuses {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        assert_eq!(inputs_key(1, page, 7, |fp| add_data(fp, &Refuses)), None);
        assert!(inputs_key(1, page, 7, |fp| add_data(
            fp,
            &BTreeMap::from([((1, 2), "x")])
        ))
        .is_some());
    }

    /// The fingerprint of `value` written by [`add_data`].
    fn data<T: Serialize>(value: &T) -> u128 {
        let mut fp = Fingerprint::new();
        assert!(add_data(&mut fp, value));
        fp.finish()
    }

    #[test]
    fn lists_of_views_by_their_prints_differ_when_the_views_do() {
        let prints: PrintMap = [("a", 1), ("b", 2), ("ab", 3)]
            .map(|(k, v)| (k.to_string(), v))
            .into_iter()
            .collect();
        let key = |ids: &[&str], prints: &PrintMap| {
            let mut fp = Fingerprint::new();
            add_prints(&mut fp, prints, ids.iter().copied());
            fp.finish()
        };
        let lists: [&[&str]; 6] = [&[], &["a"], &["a", "b"], &["b", "a"], &["ab"], &["c"]];
        let keys: std::collections::HashSet<u128> =
            lists.iter().map(|ids| key(ids, &prints)).collect();
        assert_eq!(keys.len(), lists.len());
        // One view changed changes the list's key; a view the map lacks is not a view there.
        let mut changed = prints.clone();
        changed.insert("b".into(), 4);
        assert_ne!(key(&["a", "b"], &prints), key(&["a", "b"], &changed));
        changed.remove("b");
        assert_ne!(key(&["a", "b"], &prints), key(&["a", "b"], &changed));
        assert_eq!(key(&["a"], &prints), key(&["a"], &changed));
    }

    #[test]
    fn no_two_values_are_written_alike() {
        #[derive(Serialize)]
        struct Page<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            a: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Flat<'a> {
            #[serde(flatten)]
            page: Page<'a>,
            n: u8,
        }
        let differ = [
            data(&vec![vec!["a"], vec![]]),
            data(&vec![vec![], vec!["a"]]),
            data(&vec!["ab", "c"]),
            data(&vec!["a", "bc"]),
            data(&Some("")),
            data(&None::<&str>),
            data(&""),
            data(&1u8),
            data(&1i8),
            data(&1.0f64),
            data(&Page {
                a: Some("x"),
                b: None,
            }),
            data(&Page {
                a: None,
                b: Some("x"),
            }),
            data(&Flat {
                page: Page {
                    a: Some("x"),
                    b: None,
                },
                n: 1,
            }),
            data(&Flat {
                page: Page {
                    a: None,
                    b: Some("x"),
                },
                n: 1,
            }),
            data(&BTreeMap::from([("a", "b")])),
            data(&BTreeMap::from([("a", "")])),
        ];
        for (i, a) in differ.iter().enumerate() {
            for (j, b) in differ.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "cases {i} and {j}");
            }
        }
        // Values larger than the buffer, alike but for their last item, differ; the same value
        // gives the same fingerprint.
        let long = |last: &str| {
            let mut items: Vec<String> = (0..5_000).map(|i| format!("item {i}")).collect();
            items.push(last.repeat(FEED + 1));
            items
        };
        assert_eq!(data(&long("x")), data(&long("x")));
        assert_ne!(data(&long("x")), data(&long("y")));
    }

    #[test]
    fn a_shared_value_counts_by_its_fingerprint() {
        let list =
            |items: &[&str]| Value::from(items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        fn address(v: &Value) -> Option<usize> {
            v.downcast_object_ref::<Vec<Value>>()
                .map(|l| std::ptr::from_ref(l) as usize)
        }
        let (one, two) = (list(&["a", "b"]), list(&["a", "c"]));
        let key = |shared: &Value, page: &Value| {
            let prints = Shared::new(address, &walked, &[shared]).unwrap();
            let context = context! { all => page.clone(), n => 1 };
            page_key(1, ["home.html", "index.html", ""], &context, &prints)
        };
        // The value itself, or a copy of it that is not the shared one, gives the same key.
        assert_eq!(key(&one, &one), key(&two, &list(&["a", "b"])));
        assert_ne!(key(&one, &one), key(&two, &two));
    }

    #[test]
    fn a_context_holding_a_plain_object_is_never_kept() {
        #[derive(Debug)]
        struct Opaque;
        impl minijinja::value::Object for Opaque {
            fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
                minijinja::value::ObjectRepr::Plain
            }
        }
        let v = context! { thing => Value::from_object(Opaque) };
        assert_eq!(key(&v), None);
    }

    /// A file on a pretend disk: its text and stamp, and how often it was read.
    struct OneFile {
        text: &'static str,
        stamp: Option<u64>,
        reads: std::sync::atomic::AtomicUsize,
    }

    impl ReadText for OneFile {
        fn read_text(&self, _: &Path, _: &Path) -> Result<String, crate::diagnostic::Diagnostic> {
            self.reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(self.text.to_string())
        }

        fn read_text_stamped(
            &self,
            rel: &Path,
            real: &Path,
        ) -> Result<(String, Option<u64>), crate::diagnostic::Diagnostic> {
            Ok((self.read_text(rel, real)?, self.stamp))
        }

        fn stamp(&self, _: &Path) -> Option<u64> {
            self.stamp
        }
    }

    #[test]
    fn a_kept_page_is_known_by_its_stamp_in_place_and_else_read_and_checked() {
        let file = |text, stamp| OneFile {
            text,
            stamp,
            reads: Default::default(),
        };
        let reads = |f: &OneFile| f.reads.load(std::sync::atomic::Ordering::Relaxed);
        let (rel, real) = (Path::new("a/index.html"), Path::new("public/a/index.html"));
        let bytes = of_bytes(b"<p>a</p>");
        let unstamped = Recorded {
            key: 1,
            bytes,
            stamp: None,
            counts: 0,
            reads: 0,
        };
        // No stamp recorded: read, checked, and its stamp recorded for the next build.
        let disk = file("<p>a</p>", Some(5));
        let (html, now) = still_there(&unstamped, rel, real, true, &disk).unwrap();
        assert_eq!(html.as_deref(), Some("<p>a</p>"));
        assert_eq!(now.stamp, Some(5));
        assert_eq!(reads(&disk), 1);
        // The stamp recorded and the same, updating in place: kept without reading.
        let stamped = now;
        assert_eq!(
            still_there(&stamped, rel, real, true, &disk),
            Some((None, stamped))
        );
        assert_eq!(reads(&disk), 1);
        // Not in place (the folder is built anew and swapped): read, for its bytes.
        let (html, _) = still_there(&stamped, rel, real, false, &disk).unwrap();
        assert_eq!(html.as_deref(), Some("<p>a</p>"));
        assert_eq!(reads(&disk), 2);
        // Another stamp (the file was written since): read, and its changed bytes refused.
        let edited = file("<p>b</p>", Some(6));
        assert_eq!(still_there(&stamped, rel, real, true, &edited), None);
        assert_eq!(reads(&edited), 1);
        // Written again with the same bytes: kept, with its new stamp.
        let again = file("<p>a</p>", Some(7));
        let (_, now) = still_there(&stamped, rel, real, true, &again).unwrap();
        assert_eq!(now.stamp, Some(7));
        // Too new to have a stamp: read every time, and none recorded.
        let fresh = file("<p>a</p>", None);
        let (html, now) = still_there(&unstamped, rel, real, true, &fresh).unwrap();
        assert!(html.is_some() && now.stamp.is_none());
    }

    #[test]
    fn a_cache_keeps_its_pages_only_under_its_own_stamp() {
        let (key, bytes) = (3, 4);
        let (a, b) = (
            Recorded {
                key,
                bytes,
                stamp: None,
                counts: 0,
                reads: 0b10,
            },
            Recorded {
                key,
                bytes,
                stamp: Some(9),
                counts: 0b101,
                reads: 0,
            },
        );
        let pages = vec![("a/index.html".into(), a), ("b/index.html".into(), b)];
        let bytes = PageCache::write(7, pages);
        let kept = PageCache::read(Some(&bytes), 7);
        assert_eq!(kept.get("a/index.html"), Some(&a));
        assert_eq!(kept.get("b/index.html"), Some(&b));
        assert!(PageCache::read(Some(&bytes), 8).is_empty());
        assert!(PageCache::read(Some(b"not a cache"), 7).is_empty());
        assert!(PageCache::read(Some(&bytes[..bytes.len() - 1]), 7).is_empty());
        assert!(PageCache::read(None, 7).is_empty());
    }
}
