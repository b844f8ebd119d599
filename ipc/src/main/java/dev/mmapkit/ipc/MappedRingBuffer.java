package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.Processes;
import dev.mmapkit.internal.RawMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * What one-to-one and many-to-one rings share: the file, reading, waiting, liveness and stats.
 * Subclasses differ only in how a producer advances the tail.
 */
abstract sealed class MappedRingBuffer implements RingBuffer
    permits OneToOneRingBuffer, ManyToOneRingBuffer {

  // Native byte order: little-endian on the platforms mmapkit supports, as the layout says.
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private static final long UNAWAITED_PARK_NANOS = 50_000;
  private static final int HEARTBEAT_EVERY_READS = 256;

  /** Reads that find the same claim with a header at the head between two looks at the clock. */
  static final int POLLS_PER_CLOCK_READ = 64;

  private static final long SLEEP_GRACE_NANOS = 10_000_000;
  private static final long WAITER_CHECK_NANOS = 1_000_000_000;
  static final long OPEN_CLAIM_SLEEP_NANOS = 1_000_000;

  final MappedFile file;
  private final Path path;
  final MemorySegment meta;
  final MemorySegment data;
  // The hot paths' view of meta (offsets from the file's start; records at DATA_OFFSET + index),
  // without a segment's per-access checks: which is why the file is unmapped only once this ring
  // is unreachable, when no thread can be inside one of its methods.
  final RawMemory memory;
  private volatile boolean closed;
  final long capacity;
  final long mask;
  final boolean manyToOne;
  private final int maxMessageLength;
  private final MemorySegment wakeWord;
  private final Optional<NativeAccess> nativeAccess;
  // Looks at producers' slot locks; a descriptor of its own, which holds none. Null: by pid only.
  private final ByteLocks judge;

  // Producer side. The slot of the thread that last claimed, if that thread owns it (many-to-one),
  // or the process slot (one-to-one). Plain and racy: a thread that finds another's slot here looks
  // up its own, and a ProducerSlot's identity fields are final.
  private ProducerSlot lastSlot;
  private final ThreadLocal<ProducerSlot> slotOfThread = new ThreadLocal<>();
  private ProducerSlots producerSlots; // guarded by this; found on the first claim

  // Producer side: when a producer last checked whether the consumer it wakes is alive.
  private long lastWaiterCheckNanos = System.nanoTime();

  // Consumer side (one thread).
  private boolean consumerRegistered;
  private int readsSinceHeartbeat;
  private long stuckPosition = -1;
  private int pollsAtStuckPosition;
  private long stuckSinceNanos; // 0: not timed yet
  private volatile long claimTimeoutNanos = Duration.ofSeconds(1).toNanos();
  private long lastSweepNanos = System.nanoTime();
  private long sleepEnabledSinceNanos;
  private boolean consumerLockTried;
  private volatile ByteLocks consumerLock; // held from the first sleep; null: judged by pid

  MappedRingBuffer(MappedFile file, Path path, long capacity, boolean manyToOne) {
    this.file = file;
    this.path = path;
    this.manyToOne = manyToOne;
    this.meta = file.chunk(0);
    this.data = meta.asSlice(DATA_OFFSET, capacity);
    this.memory = new RawMemory(meta);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxMessageLength = RingBufferDescriptor.maxMessageLength(capacity);
    this.wakeWord = meta.asSlice(WAKE_SEQUENCE_OFFSET, 4);
    this.nativeAccess = NativeAccess.get();
    this.judge = ByteLocks.open(path, false, meta).orElse(null);
    SharedMemoryFile.CLEANER.register(this, unmapping(file, judge));
  }

  /**
   * Closes {@code file} and {@code judge}: the cleaning action of a ring, which must not refer to
   * the ring.
   */
  private static Runnable unmapping(MappedFile file, ByteLocks judge) {
    return () -> {
      if (judge != null) judge.close();
      try {
        file.close();
      } catch (IOException | RuntimeException e) {
        // Unreachable ring, nobody to tell: the mapping goes when the process ends.
      }
    };
  }

  /**
   * Claims room for a record of {@code recordLength} bytes (header included), first padding to the
   * end of the data area if the record would not fit before it, and writes the record's header
   * ({@code typeAndSlot}, the length negated).
   *
   * @return the record's offset in {@link #data}, or {@link #BACK_PRESSURED}
   */
  abstract long claim(ProducerSlot slot, int typeAndSlot, int recordLength);

  @Override
  public final long capacity() {
    return capacity;
  }

  @Override
  public final int maxMessageLength() {
    return maxMessageLength;
  }

  @Override
  public final MemorySegment buffer() {
    return data;
  }

  // ---------------------------------------------------------------------------------------------
  // Producing

  @Override
  public final boolean write(int type, MemorySegment src) {
    // The ranged write's body, not a call to it or to a shared helper: each call level the JIT
    // does not inline costs the message path a call, and it stops inlining a callee it has already
    // compiled big on its own (LogCompilation: "already compiled into a big method").
    int length = checkedLength(src.byteSize());
    checkOpen();
    checkType(type);
    ProducerSlot slot = producerSlot();
    boolean written = append(slot, type | slot.bits, src, 0, length);
    if (!written) countBackPressure(slot);
    Reference.reachabilityFence(this);
    return written;
  }

  @Override
  public final boolean write(int type, MemorySegment src, long offset, long length) {
    Objects.checkFromIndexSize(offset, length, src.byteSize());
    int checked = checkedLength(length);
    checkOpen();
    checkType(type);
    ProducerSlot slot = producerSlot();
    boolean written = append(slot, type | slot.bits, src, offset, checked);
    if (!written) countBackPressure(slot);
    Reference.reachabilityFence(this);
    return written;
  }

  /**
   * Counts a write or claim refused for a full ring: in the slot, with plain stores, if the caller
   * is its one writer (its own slot, or a one-to-one ring's producer), so that producers spinning
   * on a full ring do not all take turns at one locked add; else with an atomic add to the shared
   * word. {@link #stats} adds them up.
   */
  private void countBackPressure(ProducerSlot slot) {
    if (slot.owner != null || !manyToOne) {
      long offset = slot.refusalsOffset;
      LONG.setOpaque(meta, offset, (long) LONG.getOpaque(meta, offset) + 1);
    } else {
      MappedAtomics.getAndAddLong(meta, BACK_PRESSURE_COUNT_OFFSET, 1L);
    }
  }

  /**
   * Writes a whole record whose payload is {@code length} bytes of {@code src} from {@code
   * srcOffset}: claims it, copies the payload and publishes it, or aborts the claim if the copy
   * throws (the source's arena closed, or confined to another thread), so that a failed write never
   * leaves a claim open. A ring may do it in another order (both publish a complete record in one
   * state change when they can: {@link OneToOneRingBuffer} with its tail, {@link
   * ManyToOneRingBuffer} with its header).
   *
   * @return false if the ring is full
   */
  boolean append(
      ProducerSlot slot, int typeAndSlot, MemorySegment src, long srcOffset, int length) {
    long recordIndex = claim(slot, typeAndSlot, length + HEADER_LENGTH);
    if (recordIndex < 0) return false;
    try {
      memory.copyFrom(src, srcOffset, DATA_OFFSET + recordIndex + HEADER_LENGTH, length);
    } catch (RuntimeException | Error e) {
      abort(recordIndex + HEADER_LENGTH);
      throw e;
    }
    publish(recordIndex, length + HEADER_LENGTH);
    return true;
  }

  @Override
  public final boolean write(int type, byte[] src) {
    long index = tryClaim(type, src.length);
    if (index < 0) return false;
    memory.copyFrom(src, DATA_OFFSET + index);
    publish(index - HEADER_LENGTH, src.length + HEADER_LENGTH);
    Reference.reachabilityFence(this);
    return true;
  }

  private int checkedLength(long length) {
    if (length > maxMessageLength) throw tooLong(length);
    return (int) length;
  }

  private IllegalArgumentException tooLong(long length) {
    return new IllegalArgumentException(
        "message of "
            + length
            + " bytes is longer than this ring's maximum of "
            + maxMessageLength
            + " bytes (an eighth of its "
            + capacity
            + "-byte capacity); use a larger ring or split the message");
  }

  @Override
  public final long tryClaim(int type, int length) {
    checkOpen();
    checkType(type);
    if (length < 0) throw new IllegalArgumentException("length must be >= 0, was " + length);
    if (length > maxMessageLength) throw tooLong(length);
    ProducerSlot slot = producerSlot();
    long recordIndex = claim(slot, type | slot.bits, length + HEADER_LENGTH);
    if (recordIndex < 0) {
      countBackPressure(slot);
      return BACK_PRESSURED;
    }
    Reference.reachabilityFence(this);
    return recordIndex + HEADER_LENGTH;
  }

  private static void checkType(int type) {
    if (type < 0 || type > MAX_TYPE) {
      throw new IllegalArgumentException(
          "message type must be in [0, " + MAX_TYPE + "], was " + type);
    }
  }

  private static final boolean LITTLE_ENDIAN =
      java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

  /**
   * A record header as one long, for a single 8-byte store: {@code length} at {@link
   * RingBufferDescriptor#LENGTH_OFFSET}, {@code type} at {@link RingBufferDescriptor#TYPE_OFFSET}.
   */
  static long header(int length, int type) {
    return LITTLE_ENDIAN
        ? ((long) type << 32) | (length & 0xFFFF_FFFFL)
        : ((long) length << 32) | (type & 0xFFFF_FFFFL);
  }

  /** The length field of a {@link #header}. */
  static int lengthOf(long header) {
    return LITTLE_ENDIAN ? (int) header : (int) (header >>> 32);
  }

  /** The type field of a {@link #header}. */
  static int typeOf(long header) {
    return LITTLE_ENDIAN ? (int) (header >>> 32) : (int) header;
  }

  static long slotOffset(int slot) {
    return PRODUCERS_OFFSET + (long) slot * PRODUCER_SLOT_SIZE;
  }

  @Override
  public final void commit(long index) {
    long recordIndex = index - HEADER_LENGTH;
    int length = isRecordIndex(recordIndex) ? headerLength(recordIndex) : 0;
    if (length >= 0) throw noClaimAt(index);
    publish(recordIndex, -length);
    Reference.reachabilityFence(this);
  }

  // The type field keeps the producer slot bits; readers mask them off.
  private void publish(long recordIndex, int recordLength) {
    memory.setIntRelease(DATA_OFFSET + recordIndex + LENGTH_OFFSET, recordLength);
    wakeConsumerIfWaiting();
  }

  @Override
  public final void abort(long index) {
    long recordIndex = claimedRecord(index);
    int length = (int) INT.get(data, recordIndex + LENGTH_OFFSET);
    claimSlot(data.get(ValueLayout.JAVA_INT, recordIndex + TYPE_OFFSET), recordIndex); // validates
    data.set(ValueLayout.JAVA_INT, recordIndex + TYPE_OFFSET, PADDING_TYPE);
    INT.setRelease(data, recordIndex + LENGTH_OFFSET, -length);
    wakeConsumerIfWaiting();
  }

  private long claimedRecord(long index) {
    long recordIndex = index - HEADER_LENGTH;
    if (!isRecordIndex(recordIndex) || headerLength(recordIndex) >= 0) throw noClaimAt(index);
    return recordIndex;
  }

  private boolean isRecordIndex(long recordIndex) {
    return recordIndex >= 0 && recordIndex < capacity && (recordIndex & (ALIGNMENT - 1)) == 0;
  }

  private static IllegalStateException noClaimAt(long index) {
    return new IllegalStateException("no open claim at index " + index);
  }

  /**
   * The length field of the header at {@code recordIndex}, read with one 8-byte load as the claim
   * stored it: a 4-byte load of an 8-byte store still in the store buffer waited for it (a third of
   * the claim path's samples).
   */
  private int headerLength(long recordIndex) {
    return lengthOf(memory.getLong(DATA_OFFSET + recordIndex));
  }

  final void wakeConsumerIfWaiting() {
    // One load when nobody sleeps. Once consumers may sleep, the tail was advanced with a
    // volatile store or CAS before this volatile load, and a consumer registers as a waiter before
    // its last look at the tail: so either we see the waiter or it sees our tail.
    if (memory.getLongVolatile(WAITERS_OFFSET) != 0) {
      MappedAtomics.getAndAddInt(meta, WAKE_SEQUENCE_OFFSET, 1);
      MappedAtomics.getAndAddLong(meta, WAKE_COUNT_OFFSET, 1L);
      nativeAccess.ifPresent(n -> n.futexWake(wakeWord, Integer.MAX_VALUE));
      long now = System.nanoTime();
      if (now - lastWaiterCheckNanos >= WAITER_CHECK_NANOS) {
        lastWaiterCheckNanos = now;
        clearWaitersOfDeadConsumer();
      }
    }
  }

  /**
   * A consumer killed while asleep leaves its identity in the waiter word, and producers would pay
   * a wake-up system call per message for good. Producers that wake someone check, at most once per
   * second, whether the sleeper is still alive, and a consumer does the same when it registers
   * ({@link #registerConsumer}). The word is cleared only by compare-and-set from the dead
   * process's identity, which no live consumer ever stores: a consumer that went to sleep since
   * keeps its own.
   */
  void clearWaitersOfDeadConsumer() {
    long sleeper = (long) LONG.getVolatile(meta, WAITERS_OFFSET);
    if (sleeper != 0 && !sleeperMayBeAlive(sleeper)) {
      MappedAtomics.compareAndSetLong(meta, WAITERS_OFFSET, sleeper, 0L);
    }
  }

  /**
   * Whether the consumer whose identity is {@code sleeper} may be running: by the consumer lock if
   * it is the registered consumer and holds it ({@link #holdConsumerLock}), else by pid. This
   * process is; and its own consumer's lock is not another descriptor's.
   */
  private boolean sleeperMayBeAlive(long sleeper) {
    if (ProcessIdentity.isCurrent(sleeper)) return true;
    long pid = (long) LONG.getVolatile(meta, CONSUMER_PID_OFFSET);
    long start = (long) LONG.getVolatile(meta, CONSUMER_START_TIME_OFFSET);
    long liveness = (long) LONG.getVolatile(meta, CONSUMER_LIVENESS_OFFSET);
    // A consumer registering between the loads: its liveness word is not the sleeper's.
    boolean registered =
        ProcessIdentity.names(sleeper, pid, start)
            && (long) LONG.getVolatile(meta, CONSUMER_PID_OFFSET) == pid
            && (long) LONG.getVolatile(meta, CONSUMER_START_TIME_OFFSET) == start;
    return Liveness.mayBeAlive(
        registered ? judge : null,
        CONSUMER_PID_OFFSET,
        liveness,
        () -> PidNamespaces.mayBeAlive(meta, PID_NAMESPACES_OFFSET, sleeper));
  }

  /**
   * The calling thread's producer slot (see {@link ProducerSlots}): in a many-to-one ring a slot of
   * its own, if there is room, so that its claims count themselves with plain stores; otherwise,
   * and for the producer of a one-to-one ring, this process's shared slot.
   */
  private ProducerSlot producerSlot() {
    ProducerSlot slot = lastSlot;
    Thread thread = Thread.currentThread();
    if (slot != null && (slot.owner == thread || slot.owner == null)) return slot;
    slot = slotOfThread.get();
    if (slot == null) slot = registerProducer(thread);
    // Only one-to-one rings keep the shared slot here: in a many-to-one ring a thread with a slot
    // of its own would otherwise go on using the shared one.
    if (slot.owner != null || !manyToOne) lastSlot = slot;
    return slot;
  }

  private synchronized ProducerSlot registerProducer(Thread thread) {
    if (producerSlots == null) producerSlots = ProducerSlots.of(path, meta);
    ProducerSlot slot = producerSlots.slotFor(meta, thread, manyToOne, judge);
    slotOfThread.set(slot);
    return slot;
  }

  // ---------------------------------------------------------------------------------------------
  // Consuming

  @Override
  public final int read(MessageHandler handler, int limit) {
    Objects.requireNonNull(handler, "handler");
    beforeRead();
    int read = readToEnd(handler, limit);
    if (read >= 0) return read;
    // The read reached the end of the ring, usually through the padding before a record that did
    // not fit there: read on from the start, or a caller that idles when this returns 0 would idle
    // with that record ready. Once only: the second block starts at index 0.
    read = ~read;
    if (read == limit) return read;
    int more = readToEnd(handler, limit - read);
    return read + (more >= 0 ? more : ~more);
  }

  /**
   * Reads up to {@code limit} messages from the head, not past the end of the ring.
   *
   * @return the messages read, or their count's complement ({@code ~count}, negative) if the head
   *     reached the end of the ring
   */
  private int readToEnd(MessageHandler handler, int limit) {
    // A local: the acquire loads would otherwise make each iteration load the field again.
    RawMemory memory = this.memory;
    long head = memory.getLongOpaque(HEAD_POSITION_OFFSET);
    long headIndex = head & mask;
    long contiguous = capacity - headIndex;
    long bytesRead = 0;
    int count = 0;
    try {
      while (bytesRead < contiguous && count < limit) {
        long recordIndex = headIndex + bytesRead;
        int length = memory.getIntAcquire(DATA_OFFSET + recordIndex + LENGTH_OFFSET);
        if (length <= 0) {
          if (bytesRead == 0) onNothingReady(head, length);
          break;
        }
        checkLength(length, contiguous - bytesRead, head + bytesRead);
        bytesRead += align(length);
        int type = memory.getInt(DATA_OFFSET + recordIndex + TYPE_OFFSET);
        if (type == PADDING_TYPE) continue;
        count++;
        handler.onMessage(
            type & MAX_TYPE, data, recordIndex + HEADER_LENGTH, length - HEADER_LENGTH);
      }
    } finally {
      if (bytesRead > 0) consumed(head, headIndex, bytesRead, count);
      Reference.reachabilityFence(this);
    }
    return bytesRead == contiguous ? ~count : count;
  }

  /**
   * A committed length read from shared memory must describe a record that fits before the end of
   * the ring; anything else is corruption, reported with the file and position instead of handing
   * the handler a bad range. The head stays at the record, so every read reports it.
   */
  private void checkLength(int length, long roomToEnd, long position) {
    if (length < HEADER_LENGTH || align(length) > roomToEnd) {
      throw new UncheckedIOException(
          new FileFormatException(
              path,
              "corrupted ring: record length "
                  + length
                  + " at position "
                  + position
                  + " does not fit the "
                  + roomToEnd
                  + " bytes before the end of the ring"));
    }
  }

  @Override
  public final int controlledRead(ControlledMessageHandler handler, int limit) {
    Objects.requireNonNull(handler, "handler");
    beforeRead();
    // As read: on from the start once if the first block reached the end of the ring.
    int read = controlledReadToEnd(handler, limit);
    if (read >= 0) return read;
    read = ~read;
    if (read == limit) return read;
    int more = controlledReadToEnd(handler, limit - read);
    return read + (more >= 0 ? more : ~more);
  }

  /**
   * As {@link #readToEnd}, for a controlled handler; a handler that breaks or aborts ends the read
   * wherever it is.
   */
  private int controlledReadToEnd(ControlledMessageHandler handler, int limit) {
    long head = memory.getLongOpaque(HEAD_POSITION_OFFSET);
    long headIndex = head & mask;
    long contiguous = capacity - headIndex;
    long bytesRead = 0;
    int count = 0;
    int countSinceCommit = 0;
    boolean stopped = false;
    try {
      while (bytesRead < contiguous && count < limit) {
        long recordIndex = headIndex + bytesRead;
        int length = memory.getIntAcquire(DATA_OFFSET + recordIndex + LENGTH_OFFSET);
        if (length <= 0) {
          if (bytesRead == 0) onNothingReady(head, length);
          break;
        }
        checkLength(length, contiguous - bytesRead, head + bytesRead);
        int type = memory.getInt(DATA_OFFSET + recordIndex + TYPE_OFFSET);
        if (type == PADDING_TYPE) {
          bytesRead += align(length);
          continue;
        }
        ControlledMessageHandler.Action action =
            handler.onMessage(
                type & MAX_TYPE, data, recordIndex + HEADER_LENGTH, length - HEADER_LENGTH);
        if (action == ControlledMessageHandler.Action.ABORT) {
          stopped = true;
          break;
        }
        bytesRead += align(length);
        count++;
        countSinceCommit++;
        if (action == ControlledMessageHandler.Action.BREAK) {
          stopped = true;
          break;
        }
        if (action == ControlledMessageHandler.Action.COMMIT) {
          consumed(head, headIndex, bytesRead, countSinceCommit);
          head += bytesRead;
          headIndex += bytesRead;
          contiguous -= bytesRead;
          bytesRead = 0;
          countSinceCommit = 0;
        }
      }
    } finally {
      if (bytesRead > 0) consumed(head, headIndex, bytesRead, countSinceCommit);
      Reference.reachabilityFence(this);
    }
    return !stopped && bytesRead == contiguous ? ~count : count;
  }

  private void beforeRead() {
    checkOpen();
    if (!consumerRegistered) registerConsumer();
    // A clock read per read() would slow the empty poll that latency depends on.
    if (++readsSinceHeartbeat >= HEARTBEAT_EVERY_READS) heartbeat();
  }

  /**
   * Records this process as the consumer (for stats: pid, then start time). If the consumer before
   * died asleep, a kill -9 skipped its wake-up: its identity is cleared from the waiter word.
   */
  private void registerConsumer() {
    clearWaitersOfDeadConsumer();
    // Judged by pid until it holds the consumer lock: the word may be the consumer's before.
    LONG.setVolatile(meta, CONSUMER_LIVENESS_OFFSET, LIVENESS_BY_PID);
    LONG.setVolatile(meta, CONSUMER_PID_OFFSET, Processes.currentPid());
    LONG.setVolatile(meta, CONSUMER_START_TIME_OFFSET, Processes.currentStartTime());
    consumerRegistered = true;
    heartbeat();
  }

  private void heartbeat() {
    readsSinceHeartbeat = 0;
    LONG.setRelease(meta, CONSUMER_HEARTBEAT_OFFSET, System.currentTimeMillis());
  }

  private void consumed(long head, long headIndex, long bytes, int records) {
    // Zero before publishing the head: many-to-one producers rely on "length 0 = not written yet",
    // and the recovery of a claim without a header on zeroed space after it. Whole lines only (see
    // ZEROING_SLACK): a producer is likely writing the next record in the last one. A one-to-one
    // producer writes its header before it moves the tail and zeroes the next header itself.
    if (manyToOne) {
      long from = headIndex & -ZEROING_SLACK;
      long to = (headIndex + bytes) & -ZEROING_SLACK;
      if (to > from) memory.zero(DATA_OFFSET + from, to - from);
    }
    memory.setLongRelease(RECORDS_READ_OFFSET, memory.getLongOpaque(RECORDS_READ_OFFSET) + records);
    memory.setLongRelease(HEAD_POSITION_OFFSET, head + bytes);
  }

  private void onNothingReady(long head, int length) {
    // An empty ring also has length 0 at the head. Telling it from a claim without a header needs
    // the producers' tail line, and reading that on every empty poll would pull the line away from
    // the producer on the latency path: look only once per heartbeat interval.
    // A one-to-one producer writes its header before it moves the tail: no header-less claims.
    if (length == 0
        && (!manyToOne
            || readsSinceHeartbeat != 0
            || (long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET) == head)) {
      return;
    }
    // A claim being written (header written, length negative) is at the head of nearly every
    // message a spinning consumer waits for: no clock read (tens of nanoseconds on a VM) until it
    // has been seen there many times. Header-less claims are looked at rarely enough already.
    if (head != stuckPosition) {
      stuckPosition = head;
      pollsAtStuckPosition = 0;
      stuckSinceNanos = 0;
      if (length < 0) return;
    } else if (length < 0 && (++pollsAtStuckPosition & (POLLS_PER_CLOCK_READ - 1)) != 0) {
      return;
    }
    long now = System.nanoTime();
    if (stuckSinceNanos == 0) stuckSinceNanos = now;
    if (now - stuckSinceNanos >= claimTimeoutNanos) {
      stuckSinceNanos = now;
      freeDeadProducerSlots();
      unblock(head);
    }
  }

  /**
   * Turns the claim at the head into padding if the process that made it is dead.
   *
   * @return whether a claim was turned into padding
   */
  final boolean unblock(long head) {
    long headIndex = head & mask;
    int length = (int) INT.getVolatile(data, headIndex + LENGTH_OFFSET);
    if (length > 0) return false;
    if (length < 0) {
      // A one-to-one producer writes its header before it moves the tail: a claim not below the
      // tail was never published, and the next producer will write over it.
      if ((long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET) <= head) return false;
      int typeField = data.get(ValueLayout.JAVA_INT, headIndex + TYPE_OFFSET);
      int slot = claimSlot(typeField, head);
      if (slot == 0 || producerAlive(slot)) return false;
      if (!MappedAtomics.compareAndSetLong(
          data, headIndex, header(length, typeField), header(-length, PADDING_TYPE))) {
        return false;
      }
    } else {
      // A claim whose header is not written yet (many-to-one only): padded up to where its
      // producer's slot says it ends, if that producer is provably dead. One compare-and-set of
      // the whole header: a live producer's header that landed since the length was read must not
      // get a padding type.
      long tail = (long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET);
      if (!manyToOne || tail <= head) return false;
      long end = deadClaimEnd(head, tail);
      if (end <= head
          || !MappedAtomics.compareAndSetLong(
              data, headIndex, 0L, header((int) (end - head), PADDING_TYPE))) {
        return false;
      }
    }
    MappedAtomics.getAndAddLong(meta, UNBLOCK_COUNT_OFFSET, 1L);
    return true;
  }

  /**
   * The producer slot of a claimed header's type field at {@code position}. A padding-claim flag
   * anywhere but on a one-to-one padding claim is corruption, reported instead of trusting the slot
   * bits.
   */
  private int claimSlot(int typeField, long position) {
    if ((typeField & PADDING_CLAIM_FLAG) != 0
        && (manyToOne || (typeField & MAX_TYPE) != MAX_TYPE)) {
      throw new UncheckedIOException(
          new FileFormatException(
              path,
              "corrupted ring: claimed record at "
                  + position
                  + " has type field 0x"
                  + Integer.toHexString(typeField)
                  + ", whose producer slot is beyond the "
                  + PRODUCER_SLOTS
                  + "-slot table"));
    }
    return (typeField >>> SLOT_SHIFT) & (PRODUCER_SLOTS - 1);
  }

  /**
   * Whether the process in {@code slot} may be alive. A free slot (pid 0) was freed because its
   * owner died, so a claim attributed to it is dead. A slot changing hands counts as alive while
   * the process moving it runs.
   */
  final boolean producerAlive(int slot) {
    return ProducerSlots.ownerAlive(meta, slotOffset(slot), judge);
  }

  /**
   * Where the header-less claim at {@code head} ends, if no live producer can be making it; else
   * {@code head}. {@code tail} was read first, so every claim below it is recorded in its slot by
   * now (the record precedes the compare-and-set), or has moved on, which its thread does only
   * after writing the claim's header. A slot whose recorded claim was made (end above start) and
   * covers the head holds the claim at the head, the only one that can: if its process is dead, the
   * claim is padded to that end, whatever other slots say (a thread that lost the head to it may
   * still show the head as its attempt). Otherwise the claimer is a thread whose attempt is at the
   * head but not recorded as made, or one without a slot of its own, which counts its claims in
   * flight: if any such producer is alive, or cannot be checked (slot 0), the claim may be live. If
   * one is dead, the claimer died before recording its end and so wrote no byte of its claim, which
   * is zero up to the first word written after it: a later record's header, or the start of a later
   * claim, which its slot records and whose payload may come before its header.
   */
  private long deadClaimEnd(long head, long tail) {
    long headIndex = head & mask;
    long limit = head + Math.min(Math.min(tail - head, capacity - headIndex), MAX_RECORD_LENGTH);
    boolean deadClaimer = false;
    boolean liveClaimer = false;
    for (int slot = 0; slot < PRODUCER_SLOTS; slot++) {
      long offset = slotOffset(slot);
      // A free slot's words mean nothing: it was freed with no claim that may be unread.
      if (slot != 0 && (long) LONG.getVolatile(meta, offset + PRODUCER_PID) == 0) continue;
      boolean inFlight = (long) LONG.getVolatile(meta, offset + PRODUCER_CLAIMS) != 0;
      // Slot 0 is nobody's own: its claim words are never written.
      long start =
          slot == 0 ? NO_CLAIM : (long) LONG.getVolatile(meta, offset + PRODUCER_CLAIM_START);
      long end = slot == 0 ? NO_CLAIM : (long) LONG.getVolatile(meta, offset + PRODUCER_CLAIM_END);
      // NO_CLAIM as the start: no claim made or being made (a refused thread's, with its
      // previous claim's end still there).
      boolean made = start != NO_CLAIM && end > start && end <= tail;
      if (made && start <= head && end > head) {
        if (producerAlive(slot)) return head;
        return Math.min(end, head + capacity - headIndex);
      }
      if (inFlight || start == head) {
        // Slot 0 counts producers without a slot, who cannot be checked.
        if (slot == 0 || producerAlive(slot)) {
          liveClaimer = true;
        } else {
          deadClaimer = true;
        }
      } else if (start > head) {
        limit = Math.min(limit, start);
      }
    }
    if (liveClaimer || !deadClaimer) return head;
    long next = head + ALIGNMENT;
    while (next < limit && (long) LONG.getVolatile(data, next & mask) == 0) next += ALIGNMENT;
    return next;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A claim that is open at the head (the tail has moved, the record is not committed) is not a
   * message: the consumer sleeps then too, woken by the commit, but at most {@link
   * #OPEN_CLAIM_SLEEP_NANOS} at a time, because a commit's release store may pass its load of the
   * waiter word (no fence per message) and because a dead producer's claim is recovered by {@code
   * read} after the claim timeout.
   */
  @Override
  public final boolean awaitMessages(long timeoutNanos) {
    if (messageReady()) return true;
    if (nativeAccess.isEmpty()) {
      LockSupport.parkNanos(Math.min(timeoutNanos, UNAWAITED_PARK_NANOS));
      return messageReady();
    }
    if (!consumerRegistered) registerConsumer();
    if (!consumerLockTried) holdConsumerLock();
    freeDeadProducerSlots();
    if (!sleepEnabled()) {
      LockSupport.parkNanos(Math.min(timeoutNanos, UNAWAITED_PARK_NANOS));
      return messageReady();
    }
    boolean claimOpen = size() != 0;
    int sequence = (int) INT.getVolatile(meta, WAKE_SEQUENCE_OFFSET);
    // One store of this process's identity: killed at any point, it leaves at most that, which
    // producers and the next consumer clear once this process is gone.
    LONG.setVolatile(meta, WAITERS_OFFSET, ProcessIdentity.current());
    try {
      // Registered first, looked last: a producer that advanced the tail after this look sees us.
      if (claimOpen ? messageReady() : size() != 0) return true;
      nativeAccess
          .get()
          .futexWait(
              wakeWord,
              sequence,
              claimOpen ? Math.min(timeoutNanos, OPEN_CLAIM_SLEEP_NANOS) : timeoutNanos);
    } finally {
      LONG.setVolatile(meta, WAITERS_OFFSET, 0L);
      if (consumerRegistered) heartbeat();
    }
    return messageReady();
  }

  /**
   * Takes the consumer lock, once, before this consumer first sleeps: a lock on the first byte of
   * the consumer pid, which the kernel drops when this process dies, so that producers and the next
   * consumer clear the waiter word of a consumer killed asleep in another PID namespace too. Held
   * until this ring object is closed or unreachable; a consumer that finds it held by a consumer
   * before (still open in its process) is judged by pid.
   */
  private void holdConsumerLock() {
    consumerLockTried = true;
    ByteLocks locks = ByteLocks.open(path, true, meta).orElse(null);
    if (locks == null) return;
    if (Liveness.lock(locks, CONSUMER_PID_OFFSET) != LIVENESS_BY_LOCK) {
      locks.close();
      return;
    }
    consumerLock = locks;
    SharedMemoryFile.CLEANER.register(this, locks::close);
    LONG.setVolatile(meta, CONSUMER_LIVENESS_OFFSET, LIVENESS_BY_LOCK);
  }

  /** Whether the record at the head is committed (or padding): something {@code read} consumes. */
  private boolean messageReady() {
    long head = (long) LONG.getOpaque(meta, HEAD_POSITION_OFFSET);
    if ((long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET) == head) return false;
    return (int) INT.getAcquire(data, (head & mask) + LENGTH_OFFSET) > 0;
  }

  /**
   * Whether this consumer may sleep on the futex yet. The first call announces in the file that
   * consumers sleep, which makes one-to-one producers switch from a release to a volatile tail
   * store. A producer that read the flag just before may still publish with a release store and
   * miss this consumer's registration, so the consumer parks briefly instead of sleeping until such
   * writes are over (a grace period of {@link #SLEEP_GRACE_NANOS}).
   */
  private boolean sleepEnabled() {
    if (sleepEnabledSinceNanos == 0) {
      INT.setVolatile(meta, SLEEP_ENABLED_OFFSET, 1);
      sleepEnabledSinceNanos = System.nanoTime();
      return false;
    }
    return System.nanoTime() - sleepEnabledSinceNanos >= SLEEP_GRACE_NANOS;
  }

  /**
   * Frees the slots of dead producers, and those a process died moving to or from a producer, at
   * most once per claim timeout; called when the consumer is about to sleep and when it considers
   * recovering a claim. A dead producer's slot that still counts a claim in flight is kept until
   * the ring is seen empty: the count is what lets {@link #unblock} pad that claim. A freed slot
   * still names its dead owner in claims with a header, as pid 0 means dead to {@link
   * #producerAlive}.
   */
  private void freeDeadProducerSlots() {
    long now = System.nanoTime();
    if (now - lastSweepNanos < claimTimeoutNanos) return;
    lastSweepNanos = now;
    for (int slot = 1; slot < PRODUCER_SLOTS; slot++) {
      long offset = slotOffset(slot);
      long pid = (long) LONG.getVolatile(meta, offset + PRODUCER_PID);
      if (pid == 0 || producerAlive(slot)) continue;
      // Emptiness looked at after the death: a dead process makes no new claims.
      long head = (long) LONG.getVolatile(meta, HEAD_POSITION_OFFSET);
      if (mayHaveUnreadClaim(offset, head)
          && (long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET) != head) {
        continue;
      }
      // Through a value in flux, so no one sees pid 0 (dead) with a stale start time.
      if (MappedAtomics.compareAndSetLong(
          meta, offset + PRODUCER_PID, pid, ProducerSlots.inFlux())) {
        ProducerSlots.clearClaims(meta, offset);
        LONG.setVolatile(meta, offset + PRODUCER_THREAD, PROCESS_SLOT);
        LONG.setVolatile(meta, offset + PRODUCER_LIVENESS, LIVENESS_BY_PID);
        LONG.setVolatile(meta, offset + PRODUCER_START_TIME, 0L);
        LONG.setVolatile(meta, offset + PRODUCER_PID, 0L);
      }
    }
  }

  /**
   * Whether the slot at {@code offset} has a claim in flight or records one at or after {@code
   * head}, which {@link #unblock} may need the slot for.
   */
  private boolean mayHaveUnreadClaim(long offset, long head) {
    return (long) LONG.getVolatile(meta, offset + PRODUCER_CLAIMS) != 0
        || (long) LONG.getVolatile(meta, offset + PRODUCER_CLAIM_START) >= head
        || (long) LONG.getVolatile(meta, offset + PRODUCER_CLAIM_END) > head;
  }

  @Override
  public final RingBuffer claimTimeout(Duration timeout) {
    if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout " + timeout);
    claimTimeoutNanos = timeout.toNanos();
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Observing

  @Override
  public final long producerPosition() {
    return (long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET);
  }

  @Override
  public final long consumerPosition() {
    return (long) LONG.getVolatile(meta, HEAD_POSITION_OFFSET);
  }

  /**
   * Records written: those the consumer has read, and those between head and tail, walked from the
   * head (claims being written count, padding does not). Exact while no copying write is in
   * progress; the walk stops at a record whose header is not written yet (a many-to-one copying
   * write, or a dead producer's claim), so a record being written and those after it count only
   * once it has its header. Takes time in proportion to the records waiting.
   */
  public final long recordsWritten() {
    long records = (long) LONG.getVolatile(meta, RECORDS_READ_OFFSET);
    long position = (long) LONG.getVolatile(meta, HEAD_POSITION_OFFSET);
    long tail = (long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET);
    while (position < tail) {
      long index = position & mask;
      long header = (long) LONG.getVolatile(data, index);
      int length = lengthOf(header);
      int type = typeOf(header);
      long size = Math.abs((long) length);
      if (size < HEADER_LENGTH || align((int) size) > capacity - index) break;
      if (type != PADDING_TYPE && (length > 0 || (type & PADDING_CLAIM_FLAG) == 0)) records++;
      position += align((int) size);
    }
    return records;
  }

  @Override
  public final RingBufferStats stats() {
    // Processes, not slots: a process may hold a slot per producer thread.
    Set<Long> producers = new HashSet<>();
    long refused = (long) LONG.getVolatile(meta, BACK_PRESSURE_COUNT_OFFSET);
    for (int slot = 0; slot < PRODUCER_SLOTS; slot++) {
      long offset = slotOffset(slot);
      refused += (long) LONG.getVolatile(meta, offset + PRODUCER_REFUSALS);
      long pid = (long) LONG.getVolatile(meta, offset + PRODUCER_PID);
      if (slot != 0 && pid > 0) producers.add(pid);
    }
    return new RingBufferStats(
        capacity,
        manyToOne,
        producerPosition(),
        consumerPosition(),
        recordsWritten(),
        (long) LONG.getVolatile(meta, RECORDS_READ_OFFSET),
        refused,
        (long) LONG.getVolatile(meta, UNBLOCK_COUNT_OFFSET),
        (long) LONG.getVolatile(meta, WAKE_COUNT_OFFSET),
        (long) LONG.getVolatile(meta, WAITERS_OFFSET) != 0 ? 1 : 0,
        (long) LONG.getVolatile(meta, CONSUMER_HEARTBEAT_OFFSET),
        (long) LONG.getVolatile(meta, CONSUMER_PID_OFFSET),
        producers.size(),
        PidNamespaces.count(meta, PID_NAMESPACES_OFFSET));
  }

  /** The file this ring lives in. */
  public final Path path() {
    return path;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The producer slots this process took stay registered until it ends: other ring objects of
   * the process on the same file use them (see {@link ProducerSlots}), and a thread still writing
   * through this object must never find its slot handed to someone else.
   */
  @Override
  public final void close() {
    closed = true;
    if (consumerLock != null) consumerLock.close();
  }

  /**
   * Closes and unmaps at once, for a ring object that no other thread can reach (the read-only
   * rings of {@link RingBuffers#readStats}); the cleaner's later close is a no-op.
   */
  final void unmapNow() throws IOException {
    close();
    if (judge != null) judge.close();
    file.close();
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("ring " + path + " is closed");
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + path + ", capacity " + capacity + "]";
  }
}
