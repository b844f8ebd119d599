package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.internal.Checksums;
import dev.mmapkit.internal.MappedAtomics;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * One segment of a cache file: its lock, seqlock, index (with the CLOCK reference bits) and entry
 * area (see {@link SharedCacheDescriptor}).
 *
 * <p>Writers take the lock, make the version odd, change the segment and make it even again.
 * Readers never lock: they read the version, look the key up, copy the value and read the version
 * again, and retry if it changed. A reader may therefore see a half-changed index; every offset and
 * length it reads is checked against the segment's bounds before use, and its result is only
 * trusted if the version did not change.
 *
 * <p>A writer that dies leaves the lock word naming it; the next process to want the lock finds the
 * owner dead, takes the lock over and rebuilds the segment from the entries whose checksums still
 * match ({@link #rebuild}), so nobody ever reads a torn entry.
 */
final class Segment {
  static final int MISS = -1;

  /**
   * The lock word of a segment whose writer failed half-way: an owner id that names no process (ids
   * have the slot number + 1 in bits 48..63), so it is always dead and taken over at once.
   */
  static final long POISONED = 1L;

  private static final long CORRUPT = -2;

  private static final VarHandle LONG = AttachedProcesses.LONG;
  private static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong UNALIGNED_LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final MemorySegment file;
  private final Path path;
  private final int number;
  private final long base;
  private final long indexBase;
  private final long dataBase;
  private final int capacity;
  private final long dataCapacity;
  private final int maxEntries;
  private final int maxKeySize;
  private final int maxValueSize;
  private final long lockTimeoutNanos;
  private final AttachedProcesses processes;

  Segment(
      MemorySegment file, Path path, CacheLayout layout, int number, AttachedProcesses processes) {
    this.file = file;
    this.path = path;
    this.number = number;
    this.base = layout.segmentOffset(number);
    this.indexBase = base + SEG_HEADER_SIZE;
    this.dataBase = base + layout.dataOffset();
    this.capacity = layout.indexCapacity();
    this.dataCapacity = layout.dataCapacity();
    this.maxEntries = layout.maxEntriesPerSegment();
    this.maxKeySize = layout.config().maxKeySize();
    this.maxValueSize = layout.config().maxValueSize();
    this.lockTimeoutNanos = layout.config().lockTimeout().toNanos();
    this.processes = processes;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads (lock-free)

  /**
   * Copies the value of {@code key} into {@code dst} if it fits.
   *
   * @return the value length (also when it did not fit), or {@link #MISS}
   */
  int get(byte[] key, long hash, MemorySegment dst, long generation) {
    for (int spins = 0; ; ) {
      long v1 = (long) LONG.getAcquire(file, base + SEG_VERSION);
      if ((v1 & 1) != 0) {
        spins = awaitWriter(spins);
        continue;
      }
      long entry = MISS;
      int length = MISS;
      if (file.get(ValueLayout.JAVA_LONG, base + SEG_GENERATION) == generation) {
        entry = locate(key, hash);
        if (entry >= 0) {
          length = valueLength(entry, key.length);
          if (length >= 0 && length <= dst.byteSize()) {
            MemorySegment.copy(file, entry + ENTRY_HEADER_SIZE + key.length, dst, 0, length);
          }
        }
      }
      VarHandle.loadLoadFence();
      if (file.get(ValueLayout.JAVA_LONG, base + SEG_VERSION) != v1) continue;
      if (entry == CORRUPT || (entry >= 0 && length < 0)) {
        repair();
        continue;
      }
      return entry < 0 ? MISS : length;
    }
  }

  /** The value of {@code key} in a new array, or null. */
  byte[] get(byte[] key, long hash, long generation) {
    for (int spins = 0; ; ) {
      long v1 = (long) LONG.getAcquire(file, base + SEG_VERSION);
      if ((v1 & 1) != 0) {
        spins = awaitWriter(spins);
        continue;
      }
      long entry = MISS;
      byte[] value = null;
      if (file.get(ValueLayout.JAVA_LONG, base + SEG_GENERATION) == generation) {
        entry = locate(key, hash);
        if (entry >= 0) {
          int length = valueLength(entry, key.length);
          if (length >= 0) {
            value = new byte[length];
            MemorySegment.copy(
                file,
                ValueLayout.JAVA_BYTE,
                entry + ENTRY_HEADER_SIZE + key.length,
                value,
                0,
                length);
          }
        }
      }
      VarHandle.loadLoadFence();
      if (file.get(ValueLayout.JAVA_LONG, base + SEG_VERSION) != v1) continue;
      if (entry == CORRUPT || (entry >= 0 && value == null)) {
        repair();
        continue;
      }
      return value;
    }
  }

  /**
   * The value of {@code key} in a new array, or null, and in {@code source} its source block:
   * modified, size, path hash, checked-at; {@code source[4]} is 1 if the entry has one, else 0;
   * {@code source[5]} the entry's checksum (which covers value and stamp).
   */
  byte[] getWithSource(byte[] key, long hash, long generation, long[] source) {
    for (int spins = 0; ; ) {
      long v1 = (long) LONG.getAcquire(file, base + SEG_VERSION);
      if ((v1 & 1) != 0) {
        spins = awaitWriter(spins);
        continue;
      }
      long entry = MISS;
      byte[] value = null;
      source[4] = 0;
      if (file.get(ValueLayout.JAVA_LONG, base + SEG_GENERATION) == generation) {
        entry = locate(key, hash);
        if (entry >= 0) {
          int length = valueLength(entry, key.length);
          long block = entry + ENTRY_HEADER_SIZE + key.length + Math.max(0, length);
          boolean has = file.get(INT, entry + ENTRY_KEY_LENGTH) < 0;
          if (length >= 0 && (!has || block + SOURCE_SIZE <= dataBase + dataCapacity)) {
            value = new byte[length];
            MemorySegment.copy(
                file,
                ValueLayout.JAVA_BYTE,
                entry + ENTRY_HEADER_SIZE + key.length,
                value,
                0,
                length);
            if (has) {
              source[0] = file.get(UNALIGNED_LONG, block + SOURCE_MODIFIED);
              source[1] = file.get(UNALIGNED_LONG, block + SOURCE_LENGTH);
              source[2] = file.get(UNALIGNED_LONG, block + SOURCE_PATH_HASH);
              source[3] = file.get(UNALIGNED_LONG, block + SOURCE_CHECKED_AT);
              source[4] = 1;
              source[5] = file.get(INT, entry + ENTRY_CHECKSUM);
            }
          }
        }
      }
      VarHandle.loadLoadFence();
      if (file.get(ValueLayout.JAVA_LONG, base + SEG_VERSION) != v1) continue;
      if (entry == CORRUPT || (entry >= 0 && value == null)) {
        repair();
        continue;
      }
      return value;
    }
  }

  /**
   * Records that the source of {@code key} was found unchanged at {@code nowMillis}, if the entry
   * still carries {@code stamp}. Under the lock: entries move during compaction.
   */
  void markChecked(byte[] key, long hash, SourceStamp stamp, long nowMillis) {
    lock();
    boolean failed = false;
    try {
      beginWrite();
      prepare();
      int pos = find(key, (int) (hash >>> 32));
      if (pos < 0) return;
      long entry = entryAt(pos);
      if (file.get(INT, entry + ENTRY_KEY_LENGTH) >= 0) return;
      long block =
          entry + ENTRY_HEADER_SIZE + key.length + file.get(INT, entry + ENTRY_VALUE_LENGTH);
      if (file.get(UNALIGNED_LONG, block + SOURCE_MODIFIED) == stamp.modifiedNanos()
          && file.get(UNALIGNED_LONG, block + SOURCE_LENGTH) == stamp.size()
          && file.get(UNALIGNED_LONG, block + SOURCE_PATH_HASH) == stamp.realPathHash()) {
        file.set(UNALIGNED_LONG, block + SOURCE_CHECKED_AT, nowMillis);
      }
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      endWrite(failed);
    }
  }

  /**
   * The file offset of the entry for {@code key}, {@link #MISS}, or {@link #CORRUPT} if an index
   * slot points outside the entry area. Marks the entry referenced for CLOCK.
   */
  private long locate(byte[] key, long hash) {
    int tag = (int) (hash >>> 32);
    int pos = home(tag);
    for (int probes = 0; probes < capacity; probes++) {
      long slot = file.get(ValueLayout.JAVA_LONG, indexBase + 8L * pos);
      if (slot == 0) return MISS;
      if ((int) (slot >>> 32) == tag) {
        long offset = ((slot & SLOT_UNITS) - 1) * ENTRY_ALIGNMENT;
        if (offset < 0 || offset > dataCapacity - ENTRY_HEADER_SIZE) return CORRUPT;
        long entry = dataBase + offset;
        int keyLength = file.get(INT, entry + ENTRY_KEY_LENGTH) & ~FLAG_SOURCE;
        if (keyLength > maxKeySize) return CORRUPT;
        if (keyLength == key.length
            && offset + ENTRY_HEADER_SIZE + keyLength <= dataCapacity
            && KeyHash.equals(key, file, entry + ENTRY_HEADER_SIZE)) {
          // The reference bit lives in the index slot just read: a hit on a referenced entry
          // writes nothing, and setting it costs no extra cache miss. A CAS, because a writer may
          // change the slot meanwhile; if it does, the bit is simply not set.
          if ((slot & SLOT_REFERENCED) == 0) {
            MappedAtomics.compareAndSetLong(
                file, indexBase + 8L * pos, slot, slot | SLOT_REFERENCED);
          }
          return entry;
        }
      }
      if (++pos == capacity) pos = 0;
    }
    // The index always has more slots than entries: no empty slot means it is damaged.
    return CORRUPT;
  }

  /** The value length of the entry at {@code entry}, or -1 if it does not fit the entry area. */
  private int valueLength(long entry, int keyLength) {
    int length = file.get(INT, entry + ENTRY_VALUE_LENGTH);
    if (length < 0
        || length > maxValueSize
        || entry - dataBase + ENTRY_HEADER_SIZE + keyLength + length > dataCapacity) {
      return -1;
    }
    return length;
  }

  /** Waits for a writer; after a while, takes the lock to recover it if its owner died. */
  private int awaitWriter(int spins) {
    if (spins < 200) {
      Thread.onSpinWait();
    } else if (spins < 400) {
      Thread.yield();
    } else {
      lock(); // recovers a dead or failed writer
      // Odd although nobody writes (a lock word cleared by hand, or a writer that lost its lock
      // word): nothing will ever make it even, so rebuild it as after a crash.
      if (((long) LONG.getVolatile(file, base + SEG_VERSION) & 1) != 0) recover();
      unlock();
      return 0;
    }
    return spins + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Writes (under the lock)

  /** Stores {@code key → value} (with {@code source} if not null), evicting as needed. */
  void put(byte[] key, byte[] value, long hash, int checksum, SourceStamp source) {
    put(key, value, hash, checksum, source, -1);
  }

  /**
   * Stores {@code key → value} unless the cache has been invalidated since {@code
   * expectedGeneration} (a value computed before an {@code invalidateAll} must not outlive it); -1
   * stores regardless.
   */
  void put(
      byte[] key,
      byte[] value,
      long hash,
      int checksum,
      SourceStamp source,
      long expectedGeneration) {
    lock();
    boolean failed = false;
    try {
      beginWrite();
      prepare();
      if (expectedGeneration >= 0 && header(SEG_GENERATION) != expectedGeneration) return;
      int tag = (int) (hash >>> 32);
      long need = entrySize(key.length, value.length) + (source != null ? SOURCE_SIZE : 0);
      int pos = find(key, tag);
      if (pos >= 0) {
        long entry = entryAt(pos);
        if (storedSize(entry) == need) {
          writeEntry(entry, key, value, checksum, source);
          setSlot(pos, slot(pos) | SLOT_REFERENCED);
          return;
        }
        removeAt(pos);
      }
      makeRoom(need);
      long used = header(SEG_USED);
      writeEntry(dataBase + used, key, value, checksum, source);
      setHeader(SEG_USED, used + need);
      setHeader(SEG_LIVE, header(SEG_LIVE) + need);
      setHeader(SEG_COUNT, header(SEG_COUNT) + 1);
      insert(tag, used);
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      endWrite(failed);
    }
  }

  /**
   * Removes {@code key} only if its entry is still the one a caller judged stale: a source block
   * with {@code stamp} and checksum {@code checksum}. Another process may have stored a fresh value
   * meanwhile, which must stay.
   *
   * @return whether it was removed
   */
  boolean removeIfUnchanged(byte[] key, long hash, SourceStamp stamp, int checksum) {
    lock();
    boolean failed = false;
    try {
      beginWrite();
      prepare();
      int pos = find(key, (int) (hash >>> 32));
      if (pos < 0) return false;
      long entry = entryAt(pos);
      if (file.get(INT, entry + ENTRY_KEY_LENGTH) >= 0
          || file.get(INT, entry + ENTRY_CHECKSUM) != checksum) {
        return false;
      }
      long block =
          entry + ENTRY_HEADER_SIZE + key.length + file.get(INT, entry + ENTRY_VALUE_LENGTH);
      if (file.get(UNALIGNED_LONG, block + SOURCE_MODIFIED) != stamp.modifiedNanos()
          || file.get(UNALIGNED_LONG, block + SOURCE_LENGTH) != stamp.size()
          || file.get(UNALIGNED_LONG, block + SOURCE_PATH_HASH) != stamp.realPathHash()) {
        return false;
      }
      removeAt(pos);
      return true;
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      endWrite(failed);
    }
  }

  /** Removes {@code key}; true if it was there. */
  boolean remove(byte[] key, long hash) {
    lock();
    boolean failed = false;
    try {
      beginWrite();
      prepare();
      int pos = find(key, (int) (hash >>> 32));
      if (pos < 0) return false;
      removeAt(pos);
      return true;
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      endWrite(failed);
    }
  }

  /** Empties the segment and stamps it with the current generation. */
  void clear() {
    lock();
    boolean failed = false;
    try {
      beginWrite();
      wipe(globalGeneration());
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      endWrite(failed);
    }
  }

  /** Takes the lock and rebuilds the segment: for an index slot found pointing outside it. */
  private void repair() {
    lock();
    boolean failed = false;
    try {
      beginWrite();
      rebuild();
    } catch (Throwable t) {
      failed = true;
      throw t;
    } finally {
      endWrite(failed);
    }
  }

  /**
   * Brings the segment to the current generation (an O(1) {@code invalidateAll} leaves segments
   * behind; the first writer empties each) and rebuilds it if its header is out of range. The
   * generation is read under the lock, so a writer that raced an invalidation cannot stamp a
   * segment with an older generation than another writer already did.
   */
  private void prepare() {
    long generation = globalGeneration();
    if (header(SEG_GENERATION) != generation) {
      wipe(generation);
      return;
    }
    long used = header(SEG_USED), live = header(SEG_LIVE), count = header(SEG_COUNT);
    long hand = header(SEG_HAND);
    if (used < 0
        || used > dataCapacity
        || live < 0
        || live > used
        || count < 0
        || count > maxEntries
        || hand < 0
        || hand >= capacity) {
      rebuild();
    }
  }

  private void wipe(long generation) {
    file.asSlice(indexBase, 8L * capacity).fill((byte) 0);
    setHeader(SEG_USED, 0);
    setHeader(SEG_LIVE, 0);
    setHeader(SEG_COUNT, 0);
    setHeader(SEG_HAND, 0);
    setHeader(SEG_GENERATION, generation);
  }

  /** The index slot holding {@code key}, or -1. The caller holds the lock. */
  private int find(byte[] key, int tag) {
    int pos = home(tag);
    for (int probes = 0; probes < capacity; probes++) {
      long slot = slot(pos);
      if (slot == 0) return -1;
      if ((int) (slot >>> 32) == tag) {
        long entry = entryAt(pos);
        if (entry < 0) {
          rebuild();
          return find(key, tag);
        }
        if ((file.get(INT, entry + ENTRY_KEY_LENGTH) & ~FLAG_SOURCE) == key.length
            && KeyHash.equals(key, file, entry + ENTRY_HEADER_SIZE)) {
          return pos;
        }
      }
      if (++pos == capacity) pos = 0;
    }
    rebuild(); // no empty slot: damaged (a rebuilt index keeps fewer entries than slots)
    return find(key, tag);
  }

  /** Frees space until {@code need} bytes follow the bump pointer and a slot is free. */
  private void makeRoom(long need) {
    while (header(SEG_COUNT) >= maxEntries) evictOne();
    while (dataCapacity - header(SEG_USED) < need) {
      if (dataCapacity - header(SEG_LIVE) >= need && header(SEG_USED) > header(SEG_LIVE)) {
        compact();
      } else {
        evictOne();
      }
    }
  }

  /**
   * CLOCK: sweeps the hand over the index, clearing reference bytes, and evicts the first entry
   * found unreferenced. Two sweeps always find one.
   */
  private void evictOne() {
    int hand = (int) header(SEG_HAND);
    for (long steps = 0; steps <= 2L * capacity; steps++) {
      int pos = hand;
      if (++hand == capacity) hand = 0;
      long slot = slot(pos);
      if (slot == 0) continue;
      if ((slot & SLOT_REFERENCED) != 0) {
        setSlot(pos, slot & ~SLOT_REFERENCED);
        continue;
      }
      setHeader(SEG_HAND, pos);
      removeAt(pos);
      processes.count(SLOT_EVICTIONS, 1);
      return;
    }
    throw new IllegalStateException(
        path + ": segment " + number + " needs room but has no entry to evict");
  }

  /** Removes the entry at index slot {@code pos}; backward-shift deletion keeps probes short. */
  private void removeAt(int pos) {
    setHeader(SEG_LIVE, header(SEG_LIVE) - storedSize(entryAt(pos)));
    setHeader(SEG_COUNT, header(SEG_COUNT) - 1);
    int hole = pos;
    int j = pos;
    while (true) {
      if (++j == capacity) j = 0;
      long slot = slot(j);
      if (slot == 0) break;
      int k = home((int) (slot >>> 32));
      // The entry at j may move into the hole only if its home is not cyclically in (hole, j].
      boolean stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (stays) continue;
      setSlot(hole, slot);
      hole = j;
    }
    setSlot(hole, 0);
  }

  /** Slides live entries down to the start of the entry area, in offset order. */
  private void compact() {
    long count = header(SEG_COUNT);
    long[] order = new long[(int) count];
    int n = 0;
    for (int pos = 0; pos < capacity; pos++) {
      long slot = slot(pos);
      if (slot == 0) continue;
      if (n == count || entryAt(pos) < 0) {
        rebuild();
        return;
      }
      order[n++] = (((slot & SLOT_UNITS) - 1) << 31) | pos;
    }
    Arrays.sort(order, 0, n);
    long to = 0;
    for (int i = 0; i < n; i++) {
      int pos = (int) (order[i] & 0x7FFF_FFFF);
      long from = (order[i] >>> 31) * ENTRY_ALIGNMENT;
      long size = storedSize(dataBase + from);
      if (from < to) {
        rebuild(); // overlapping entries: the index was damaged
        return;
      }
      if (from != to) {
        MemorySegment.copy(file, dataBase + from, file, dataBase + to, size);
        setSlot(pos, (slot(pos) & ~SLOT_UNITS) | (to / ENTRY_ALIGNMENT + 1));
      }
      to += size;
    }
    setHeader(SEG_USED, to);
    setHeader(SEG_LIVE, to);
  }

  /**
   * Rebuilds the index from the entries it points to that are whole: inside the entry area, lengths
   * in range, checksum matching, key hashing to the slot's tag, not overlapping another. Everything
   * else is dropped. This is how a segment left half-written by a killed process is repaired.
   */
  private void rebuild() {
    long[] order = new long[capacity];
    int[] tags = new int[capacity];
    int n = 0;
    for (int pos = 0; pos < capacity; pos++) {
      long slot = slot(pos);
      long entry = slot == 0 ? -1 : entryAt(pos);
      if (entry < 0) continue;
      int keyWord = file.get(INT, entry + ENTRY_KEY_LENGTH);
      int keyLength = keyWord & ~FLAG_SOURCE;
      int valueLength = file.get(INT, entry + ENTRY_VALUE_LENGTH);
      long checked = (long) keyLength + valueLength + (keyWord < 0 ? SOURCE_CHECKED_AT : 0);
      if (file.get(INT, entry + ENTRY_CHECKSUM) != checksum(file, entry, checked)
          || (int) (KeyHash.of(file, entry + ENTRY_HEADER_SIZE, keyLength) >>> 32)
              != (int) (slot >>> 32)) {
        continue;
      }
      tags[n] = (int) (slot >>> 32);
      order[n] = ((entry - dataBase) / ENTRY_ALIGNMENT << 31) | n;
      n++;
    }
    Arrays.sort(order, 0, n);
    file.asSlice(indexBase, 8L * capacity).fill((byte) 0);
    long end = 0, live = 0, count = 0;
    for (int i = 0; i < n && count < maxEntries; i++) {
      long offset = (order[i] >>> 31) * ENTRY_ALIGNMENT;
      if (offset < end) continue;
      long size = storedSize(dataBase + offset);
      insert(tags[(int) (order[i] & 0x7FFF_FFFF)], offset);
      end = offset + size;
      live += size;
      count++;
    }
    setHeader(SEG_USED, end);
    setHeader(SEG_LIVE, live);
    setHeader(SEG_COUNT, count);
    setHeader(SEG_HAND, 0);
  }

  private void insert(int tag, long offset) {
    int pos = home(tag);
    for (int probes = 0; slot(pos) != 0; probes++) {
      if (probes == capacity) {
        throw new IllegalStateException(path + ": segment " + number + " index is full");
      }
      if (++pos == capacity) pos = 0;
    }
    setSlot(pos, ((long) tag << 32) | SLOT_REFERENCED | (offset / ENTRY_ALIGNMENT + 1));
  }

  private void writeEntry(long entry, byte[] key, byte[] value, int checksum, SourceStamp source) {
    file.set(INT, entry + ENTRY_KEY_LENGTH, key.length | (source != null ? FLAG_SOURCE : 0));
    file.set(INT, entry + ENTRY_VALUE_LENGTH, value.length);
    file.set(INT, entry + ENTRY_CHECKSUM, checksum);
    long at = entry + ENTRY_HEADER_SIZE;
    failureForTest("writeEntry"); // header written, key and value not: a torn entry
    MemorySegment.copy(key, 0, file, ValueLayout.JAVA_BYTE, at, key.length);
    MemorySegment.copy(value, 0, file, ValueLayout.JAVA_BYTE, at + key.length, value.length);
    if (source != null) {
      long block = at + key.length + value.length;
      file.set(UNALIGNED_LONG, block + SOURCE_MODIFIED, source.modifiedNanos());
      file.set(UNALIGNED_LONG, block + SOURCE_LENGTH, source.size());
      file.set(UNALIGNED_LONG, block + SOURCE_PATH_HASH, source.realPathHash());
      file.set(UNALIGNED_LONG, block + SOURCE_CHECKED_AT, System.currentTimeMillis());
    }
  }

  /**
   * The file offset of the entry index slot {@code pos} points to, or -1 if the slot is empty or
   * the entry would not lie wholly inside the entry area with lengths in range.
   */
  private long entryAt(int pos) {
    long units = slot(pos) & SLOT_UNITS;
    if (units == 0) return -1;
    long offset = (units - 1) * ENTRY_ALIGNMENT;
    if (offset > dataCapacity - ENTRY_HEADER_SIZE) return -1;
    long entry = dataBase + offset;
    int keyWord = file.get(INT, entry + ENTRY_KEY_LENGTH);
    int keyLength = keyWord & ~FLAG_SOURCE;
    int valueLength = file.get(INT, entry + ENTRY_VALUE_LENGTH);
    if (keyLength > maxKeySize
        || valueLength < 0
        || valueLength > maxValueSize
        || offset + entrySize(keyLength, valueLength) + (keyWord < 0 ? SOURCE_SIZE : 0)
            > dataCapacity) {
      return -1;
    }
    return entry;
  }

  private long storedSize(long entry) {
    int keyWord = file.get(INT, entry + ENTRY_KEY_LENGTH);
    return entrySize(keyWord & ~FLAG_SOURCE, file.get(INT, entry + ENTRY_VALUE_LENGTH))
        + (keyWord < 0 ? SOURCE_SIZE : 0);
  }

  /**
   * CRC32C of the length words and the {@code length} bytes after the header, as stored: what
   * {@link #checksum(byte[], byte[], SourceStamp)} gave.
   */
  private static int checksum(MemorySegment file, long entry, long length) {
    CRC32C crc = new CRC32C();
    Checksums.update(crc, file.asSlice(entry, 8));
    Checksums.update(crc, file.asSlice(entry + ENTRY_HEADER_SIZE, length));
    return (int) crc.getValue();
  }

  /** The checksum an entry carries; computed before taking the lock. */
  static int checksum(byte[] key, byte[] value, SourceStamp source) {
    CRC32C crc = new CRC32C();
    int keyWord = key.length | (source != null ? FLAG_SOURCE : 0);
    for (int shift = 0; shift < 32; shift += 8) crc.update(keyWord >>> shift);
    for (int shift = 0; shift < 32; shift += 8) crc.update(value.length >>> shift);
    crc.update(key);
    crc.update(value);
    if (source != null) {
      for (long field : new long[] {source.modifiedNanos(), source.size(), source.realPathHash()}) {
        for (int shift = 0; shift < 64; shift += 8) crc.update((int) (field >>> shift));
      }
    }
    return (int) crc.getValue();
  }

  private int home(int tag) {
    return (int) (((tag & 0xFFFF_FFFFL) * capacity) >>> 32);
  }

  private long slot(int pos) {
    return file.get(ValueLayout.JAVA_LONG, indexBase + 8L * pos);
  }

  private void setSlot(int pos, long value) {
    file.set(ValueLayout.JAVA_LONG, indexBase + 8L * pos, value);
  }

  private long globalGeneration() {
    return (long) LONG.getVolatile(file, GLOBAL_OFFSET + GENERATION);
  }

  private long header(long field) {
    return file.get(ValueLayout.JAVA_LONG, base + field);
  }

  private void setHeader(long field, long value) {
    file.set(ValueLayout.JAVA_LONG, base + field, value);
  }

  // ---------------------------------------------------------------------------------------------
  // Lock and seqlock

  /** Makes the version odd (it stays odd if a dead writer left it so). */
  private void beginWrite() {
    long v = (long) LONG.getVolatile(file, base + SEG_VERSION);
    if ((v & 1) == 0) LONG.setVolatile(file, base + SEG_VERSION, v + 1);
    // The odd version must be visible before any entry byte changes: a volatile store orders what
    // comes before it, not after (aarch64 compiles it to a bare stlr).
    VarHandle.storeStoreFence();
  }

  /**
   * Ends a write section and releases the lock. If the section failed ({@code failed}: an exception
   * between the odd and the even version store, e.g. an {@code OutOfMemoryError} or a bug), the
   * segment may be half-changed: the version stays odd and the lock word becomes {@link #POISONED},
   * a dead owner, so the next process to want the segment rebuilds it as after a {@code kill -9}.
   */
  private void endWrite(boolean failed) {
    if (failed) {
      LONG.setRelease(file, base + SEG_LOCK, POISONED);
      return;
    }
    long v = (long) LONG.getVolatile(file, base + SEG_VERSION);
    LONG.setRelease(file, base + SEG_VERSION, (v | 1) + 1);
    unlock();
  }

  /**
   * Takes the segment lock. A holder that is no longer running is found within about a millisecond
   * and the lock taken over, the segment rebuilt and the recovery counted. A holder that may be
   * running (see {@link AttachedProcesses#isAlive}) keeps it.
   *
   * @throws CacheLockTimeoutException if a process that is running, or whose liveness cannot be
   *     known, holds it for longer than the lock timeout
   */
  void lock() {
    long me = processes.ownerId();
    if (MappedAtomics.compareAndSetLong(file, base + SEG_LOCK, 0L, me)) return;
    long start = System.nanoTime();
    long nextCheck = start + 200_000;
    for (int spins = 0; ; spins++) {
      long owner = (long) LONG.getVolatile(file, base + SEG_LOCK);
      if (owner == 0) {
        if (MappedAtomics.compareAndSetLong(file, base + SEG_LOCK, 0L, me)) return;
        continue;
      }
      if (spins < 100) {
        Thread.onSpinWait();
      } else if (spins < 200) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(20_000);
      }
      long now = System.nanoTime();
      if (owner == POISONED || now - nextCheck >= 0) {
        if ((owner == POISONED || !processes.isAlive(owner))
            && MappedAtomics.compareAndSetLong(file, base + SEG_LOCK, owner, me)) {
          recover();
          return;
        }
        nextCheck = now + 1_000_000;
      }
      if (now - start >= lockTimeoutNanos) {
        // Running, or its liveness is unknown: a lock is never taken from a process that may be
        // writing (a paused writer would resume into a segment others think is consistent).
        throw new CacheLockTimeoutException(
            path,
            number,
            processes.pidOf(owner),
            (now - start) / 1_000_000,
            processes.isKnownRunning(owner));
      }
    }
  }

  /**
   * Rebuilds the segment after taking the lock over from a dead or failed owner. The version is
   * left odd by the dead writer or made odd here, and made even only when the rebuild is complete;
   * a rebuild that throws poisons the lock again, so the next process tries in turn.
   */
  private void recover() {
    processes.count(SLOT_LOCK_RECOVERIES, 1);
    try {
      beginWrite();
      failureForTest("rebuild");
      rebuild();
    } catch (Throwable t) {
      LONG.setRelease(file, base + SEG_LOCK, POISONED);
      throw t;
    }
    long v = (long) LONG.getVolatile(file, base + SEG_VERSION);
    LONG.setRelease(file, base + SEG_VERSION, (v | 1) + 1);
  }

  /** Test hook: the point named here throws {@link #injectedFailure} once. */
  private volatile String failurePoint;

  private volatile Throwable injectedFailure;

  /** Makes the next pass through {@code point} ("writeEntry" or "rebuild") throw {@code e}. */
  void failOnceForTest(String point, Throwable e) {
    if (!(e instanceof RuntimeException || e instanceof Error)) {
      throw new IllegalArgumentException("unchecked only: " + e);
    }
    injectedFailure = e;
    failurePoint = point;
  }

  private void failureForTest(String point) {
    if (failurePoint != null && failurePoint.equals(point)) {
      Throwable e = injectedFailure;
      failurePoint = null;
      if (e instanceof Error error) throw error;
      throw (RuntimeException) e;
    }
  }

  /** Releases the lock if this process still holds it (a CAS: never clears another's lock). */
  void unlock() {
    MappedAtomics.compareAndSetLong(file, base + SEG_LOCK, processes.ownerId(), 0L);
  }

  /** For tests that simulate a writer killed half-way: begins overwriting, writes half, stops. */
  void beginTornOverwriteForTest(byte[] key, long hash, byte[] value) {
    lock();
    beginWrite();
    prepare();
    int pos = find(key, (int) (hash >>> 32));
    if (pos < 0) throw new IllegalStateException("key not present");
    long entry = entryAt(pos);
    MemorySegment.copy(
        value,
        0,
        file,
        ValueLayout.JAVA_BYTE,
        entry + ENTRY_HEADER_SIZE + key.length,
        value.length / 2);
  }
}
