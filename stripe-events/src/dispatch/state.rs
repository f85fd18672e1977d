//! The dispatcher's state values, one per type, and the hasher of its tables.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, non-cryptographic hasher (the multiply-rotate scheme of `rustc-hash`). The keys it
/// hashes (`TypeId`s, enum discriminants) are not attacker-controlled.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    #[inline]
    fn add(&mut self, n: u64) {
        self.0 = self.0.wrapping_add(n).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(n.into());
    }

    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.add(n.into());
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(n.into());
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the best bits at the top; hashbrown takes its bucket index from
        // the bottom.
        self.0.rotate_left(26)
    }
}

struct Entry {
    value: Box<dyn Any + Send + Sync>,
    type_name: &'static str,
}

/// One value per type.
#[derive(Default)]
pub(crate) struct StateMap {
    values: FastMap<TypeId, Entry>,
}

impl StateMap {
    /// Stores `value`, replacing any earlier value of the same type.
    pub(crate) fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        let entry = Entry {
            value: Box::new(value),
            type_name: std::any::type_name::<T>(),
        };
        self.values.insert(TypeId::of::<T>(), entry);
    }

    pub(crate) fn get<T: Any>(&self) -> Option<&T> {
        if self.values.is_empty() {
            return None;
        }
        let entry = self.values.get(&TypeId::of::<T>())?;
        (*entry.value).downcast_ref::<T>()
    }

    pub(crate) fn contains(&self, type_id: TypeId) -> bool {
        !self.values.is_empty() && self.values.contains_key(&type_id)
    }

    /// The stored types' names, sorted.
    pub(crate) fn type_names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.values.values().map(|e| e.type_name).collect();
        names.sort_unstable();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn stores_one_value_per_type_and_replaces() {
        let mut states = StateMap::default();
        assert!(states.get::<u32>().is_none());
        states.insert(1u32);
        states.insert(String::from("a"));
        states.insert(2u32);
        assert_eq!(states.get::<u32>(), Some(&2));
        assert_eq!(states.get::<String>().map(String::as_str), Some("a"));
        assert!(states.get::<u64>().is_none());
        assert!(states.contains(TypeId::of::<String>()));
        assert_eq!(states.type_names(), ["alloc::string::String", "u32"]);
    }

    #[test]
    fn hasher_spreads_small_integers_and_bytes() {
        let build = BuildHasherDefault::<FastHasher>::default();
        let hashes: std::collections::HashSet<u64> =
            (0..1000isize).map(|i| build.hash_one(i)).collect();
        assert_eq!(hashes.len(), 1000);
        // hashbrown's control byte comes from the top 7 bits: they must vary too.
        let tops: std::collections::HashSet<u64> =
            (0..64isize).map(|i| build.hash_one(i) >> 57).collect();
        assert!(tops.len() > 16, "{tops:?}");
        assert_ne!(
            build.hash_one("product.created"),
            build.hash_one("product.updated")
        );
    }
}
