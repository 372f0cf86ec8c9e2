//! This process's copy of the suppression lists: the catalogue of every list
//! (scope, name, kind, channels, version) and, for each list a lookup needed,
//! one compact, exact [`SuppressionIndex`] (8 bytes per phone number) with the
//! list version it reflects. Every process keeps its own: a lookup touches no
//! cache and no database once its lists are loaded.
//!
//! Nothing here does I/O: `super::mirror` loads lists and `super::follow`
//! applies the change feed; this module only keeps the state consistent under
//! its locks (a change applies only on top of the version before it).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use domain::Channel;
use suppression_index::SuppressionIndex;
use uuid::Uuid;

use super::changes::{AddedEntry, Change};

/// What a lookup needs to know of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListMeta {
    pub id: Uuid,
    /// `None`: a global list.
    pub tenant_id: Option<Uuid>,
    pub name: String,
    pub kind: String,
    pub channels: String,
    /// The list's version when the catalogue was read.
    pub version: i64,
}

/// One list's index, the version it reflects, and whether it holds the whole list.
#[derive(Debug, Default)]
pub(crate) struct Mirrored {
    pub index: SuppressionIndex,
    pub applied: i64,
    pub ready: bool,
}

/// What applying one version of a list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// Applied; the index is at that version now.
    Done,
    /// The index already reflects it.
    Already,
    /// The list is not loaded here: nothing to do.
    NotLoaded,
    /// Versions before it are missing, or it is a `RELOAD`: the list must be read again.
    NeedsReload,
}

/// The catalogue of lists, as of the last refresh plus this process's own creates.
#[derive(Debug, Default)]
struct Catalogue {
    loaded: bool,
    /// The number of the refresh it comes from (an older refresh never overwrites it).
    refresh: u64,
    lists: HashMap<Uuid, Arc<ListMeta>>,
    /// Lists this process created, with the refresh number current then: a
    /// refresh that started before a create may not see it, and must keep it.
    created_here: HashMap<Uuid, u64>,
}

/// Every list this process knows of and the indexes of those it has loaded.
#[derive(Debug, Default)]
pub struct LocalMirror {
    catalogue: RwLock<Catalogue>,
    lists: RwLock<HashMap<Uuid, Mirrored>>,
    /// One lock per list so that a process runs one load of a list at a time.
    loads: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
    refreshes: AtomicU64,
}

impl LocalMirror {
    /// Whether the catalogue was read at least once (lookups wait for that).
    pub(crate) fn catalogue_loaded(&self) -> bool {
        self.catalogue
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .loaded
    }

    /// Numbers a catalogue refresh about to read the database.
    pub(crate) fn begin_refresh(&self) -> u64 {
        self.refreshes.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Installs what refresh `number` read, unless a later refresh was installed
    /// first; lists gone from it are dropped from memory too.
    pub(crate) fn finish_refresh(&self, number: u64, read: Vec<ListMeta>) {
        let mut catalogue = self
            .catalogue
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if number < catalogue.refresh {
            return;
        }
        let mut lists: HashMap<Uuid, Arc<ListMeta>> = read
            .into_iter()
            .map(|list| (list.id, Arc::new(list)))
            .collect();
        catalogue
            .created_here
            .retain(|_, created| *created >= number);
        for id in catalogue.created_here.keys() {
            if let Some(list) = catalogue.lists.get(id) {
                lists.entry(*id).or_insert_with(|| list.clone());
            }
        }
        catalogue.lists = lists;
        catalogue.refresh = number;
        catalogue.loaded = true;
        let known = &catalogue.lists;
        self.lists
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|id, _| known.contains_key(id));
        self.loads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|id, _| known.contains_key(id));
    }

    /// Adds a list this process just created, with its empty, complete index.
    pub(crate) fn created(&self, list: ListMeta) {
        let id = list.id;
        let version = list.version;
        {
            let mut catalogue = self
                .catalogue
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let current = self.refreshes.load(Ordering::SeqCst);
            catalogue.created_here.insert(id, current);
            catalogue.lists.insert(id, Arc::new(list));
        }
        self.lists
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                id,
                Mirrored {
                    index: SuppressionIndex::new(),
                    applied: version,
                    ready: true,
                },
            );
    }

    /// Drops a list this process just deleted from the catalogue and memory.
    pub(crate) fn deleted(&self, list_id: Uuid) {
        {
            let mut catalogue = self
                .catalogue
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            catalogue.lists.remove(&list_id);
            catalogue.created_here.remove(&list_id);
        }
        self.forget(list_id);
    }

    /// The lists of the tenant and the global ones that apply to `channel`.
    pub(crate) fn lists_for(&self, tenant_id: Uuid, channel: Channel) -> Vec<Arc<ListMeta>> {
        let catalogue = self
            .catalogue
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        catalogue
            .lists
            .values()
            .filter(|list| list.tenant_id.is_none_or(|tenant| tenant == tenant_id))
            .filter(|list| super::applies_to(&list.channels, channel))
            .cloned()
            .collect()
    }

    /// Every list of the catalogue.
    pub(crate) fn catalogue(&self) -> Vec<Arc<ListMeta>> {
        let catalogue = self
            .catalogue
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        catalogue.lists.values().cloned().collect()
    }

    /// The loaded lists whose catalogue version is ahead of their index, with that version.
    pub(crate) fn behind(&self) -> Vec<(Uuid, i64)> {
        let catalogue = self
            .catalogue
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let lists = self.lists.read().unwrap_or_else(PoisonError::into_inner);
        lists
            .iter()
            .filter_map(|(id, mirrored)| {
                let version = catalogue.lists.get(id)?.version;
                (version > mirrored.applied).then_some((*id, version))
            })
            .collect()
    }

    /// Reads the indexes under one shared lock.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&HashMap<Uuid, Mirrored>) -> T) -> T {
        let lists = self.lists.read().unwrap_or_else(PoisonError::into_inner);
        read(&lists)
    }

    /// The version a loaded list's index reflects.
    pub(crate) fn applied(&self, list_id: Uuid) -> Option<i64> {
        self.read(|lists| lists.get(&list_id).map(|mirrored| mirrored.applied))
    }

    /// Applies version `version` of a list if its index is at the version before.
    pub(crate) fn apply(&self, list_id: Uuid, version: i64, change: &Change) -> Applied {
        let mut lists = self.lists.write().unwrap_or_else(PoisonError::into_inner);
        let Some(mirrored) = lists.get_mut(&list_id) else {
            return Applied::NotLoaded;
        };
        if version <= mirrored.applied {
            return Applied::Already;
        }
        if version > mirrored.applied + 1 {
            return Applied::NeedsReload;
        }
        match change {
            Change::Add(entries) => insert(&mut mirrored.index, entries),
            Change::Remove(values) => {
                for value in values {
                    mirrored.index.remove(value);
                }
            }
            Change::Reload => return Applied::NeedsReload,
        }
        mirrored.applied = version;
        Applied::Done
    }

    /// Adds entries ahead of their commit, without moving the list's version:
    /// the index may suppress more than the database for a moment, never less.
    pub(crate) fn add_ahead(&self, list_id: Uuid, entries: &[AddedEntry]) {
        let mut lists = self.lists.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(mirrored) = lists.get_mut(&list_id) {
            insert(&mut mirrored.index, entries);
        }
    }

    /// Removes values from a loaded list's index without moving its version
    /// (purged expired entries, which suppress nothing anyway).
    pub(crate) fn remove_quietly(&self, list_id: Uuid, values: &[String]) {
        let mut lists = self.lists.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(mirrored) = lists.get_mut(&list_id) {
            for value in values {
                mirrored.index.remove(value);
            }
        }
    }

    /// Installs a freshly read index at `version`, not ready until the changes
    /// after that version are applied.
    pub(crate) fn install(&self, list_id: Uuid, index: SuppressionIndex, version: i64) {
        self.lists
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                list_id,
                Mirrored {
                    index,
                    applied: version,
                    ready: false,
                },
            );
    }

    /// Lets lookups trust a loaded list (a no-op when it was dropped meanwhile).
    pub(crate) fn mark_ready(&self, list_id: Uuid) {
        let mut lists = self.lists.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(mirrored) = lists.get_mut(&list_id) {
            mirrored.ready = true;
        }
    }

    /// Drops a list's index; true when it was loaded.
    pub(crate) fn forget(&self, list_id: Uuid) -> bool {
        self.lists
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&list_id)
            .is_some()
    }

    /// The lock that makes loads of a list run one at a time.
    pub(crate) fn load_lock(&self, list_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        self.loads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(list_id)
            .or_default()
            .clone()
    }
}

fn insert(index: &mut SuppressionIndex, entries: &[AddedEntry]) {
    for entry in entries {
        index.insert(
            &entry.value,
            entry.expires_at.map(|at| at.timestamp()),
            entry.reason.as_deref(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: Uuid, version: i64) -> ListMeta {
        ListMeta {
            id,
            tenant_id: None,
            name: "DNC".into(),
            kind: "PHONE".into(),
            channels: "VOICE".into(),
            version,
        }
    }

    fn add(value: &str) -> Change {
        Change::Add(vec![AddedEntry {
            value: value.into(),
            expires_at: None,
            reason: None,
        }])
    }

    #[test]
    fn versions_apply_in_order_only() {
        let mirror = LocalMirror::default();
        let id = Uuid::now_v7();
        assert_eq!(
            mirror.apply(id, 1, &add("+12024561414")),
            Applied::NotLoaded
        );
        mirror.created(meta(id, 1));
        assert_eq!(
            mirror.apply(id, 3, &add("+12024561414")),
            Applied::NeedsReload
        );
        assert_eq!(mirror.apply(id, 2, &add("+12024561414")), Applied::Done);
        assert_eq!(mirror.apply(id, 2, &add("+12024561414")), Applied::Already);
        let removed = Change::Remove(vec!["+12024561414".into()]);
        assert_eq!(mirror.apply(id, 3, &removed), Applied::Done);
        assert_eq!(mirror.apply(id, 4, &Change::Reload), Applied::NeedsReload);
        assert_eq!(mirror.read(|lists| lists[&id].index.len()), 0);
    }

    #[test]
    fn a_refresh_older_than_a_create_keeps_the_created_list() {
        let mirror = LocalMirror::default();
        let refresh = mirror.begin_refresh();
        let id = Uuid::now_v7();
        mirror.created(meta(id, 1));
        mirror.finish_refresh(refresh, Vec::new());
        assert_eq!(mirror.lists_for(Uuid::now_v7(), Channel::Voice).len(), 1);
        assert!(mirror.applied(id).is_some());
        // A refresh that started after the create trusts the database.
        let later = mirror.begin_refresh();
        mirror.finish_refresh(later, Vec::new());
        assert!(mirror.lists_for(Uuid::now_v7(), Channel::Voice).is_empty());
        assert!(mirror.applied(id).is_none(), "a deleted list leaves memory");
        // An older refresh never overwrites a newer one.
        mirror.finish_refresh(refresh, vec![meta(id, 1)]);
        assert!(mirror.lists_for(Uuid::now_v7(), Channel::Voice).is_empty());
    }
}
