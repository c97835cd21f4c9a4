//! A lock the watchdog can see, and a lock held through the wait-for graph.

use parking_lot::{Mutex, MutexGuard};

use super::{EMPTY, Slot};

/// A lock the watchdog can see: a parking_lot mutex with a number in the wait-for graph.
pub struct Lock<T> {
    pub(super) id: usize,
    pub(super) mutex: Mutex<T>,
}

impl<T> Lock<T> {
    /// Lock number `id` of its graph: the graph names it `lock_names[id]`.
    pub fn new(id: usize, value: T) -> Lock<T> {
        Lock {
            id,
            mutex: Mutex::new(value),
        }
    }

    pub fn id(&self) -> usize {
        self.id
    }

    pub fn into_inner(self) -> T {
        self.mutex.into_inner()
    }
}

/// A lock held through the graph. Dropping it tells the graph first, then unlocks.
pub struct Held<'a, T> {
    /// `None` only while [`Held::unlock_fair`] takes the guard out.
    pub(super) guard: Option<MutexGuard<'a, T>>,
    pub(super) holder: &'a Slot,
    pub(super) lock: usize,
}

impl<T> Held<'_, T> {
    /// The number of the lock held.
    pub fn lock(&self) -> usize {
        self.lock
    }

    /// Lets go of the lock and hands it straight to the thread that has waited for it longest,
    /// if one waits (parking_lot's `MutexGuard::unlock_fair`). A plain drop only wakes that
    /// thread, and whoever asks first gets the lock: often the thread that just let go.
    pub fn unlock_fair(mut self) {
        self.holder.store(EMPTY);
        if let Some(guard) = self.guard.take() {
            MutexGuard::unlock_fair(guard);
        }
    }
}

impl<T> std::ops::Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.guard.as_ref().expect("held until dropped")
    }
}

impl<T> std::ops::DerefMut for Held<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.guard.as_mut().expect("held until dropped")
    }
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        // The graph forgets the holder before the mutex unlocks (the guard drops after this), so
        // it may miss a holder for a moment, and a missing holder closes no cycle. After
        // `unlock_fair` the slot already names the next holder, which must stay.
        if self.guard.is_some() {
            self.holder.store(EMPTY);
        }
    }
}
