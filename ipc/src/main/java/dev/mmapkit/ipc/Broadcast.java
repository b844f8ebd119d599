package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedFaults;
import dev.mmapkit.internal.Processes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates broadcast files and opens receivers on them: one transmitter, any number of receivers in
 * any processes, each at its own pace. Two modes, chosen when the file is created:
 *
 * <ul>
 *   <li>{@link #createTransmitter lossy}: the transmitter never waits, and a receiver that falls
 *       more than a ring behind learns it was lapped and resumes at the latest record;
 *   <li>{@link #createReliableTransmitter reliable}: the transmitter is refused (back-pressure)
 *       rather than overwrite what the slowest live receiver has not read; receivers whose process
 *       is gone are dropped after a timeout.
 * </ul>
 *
 * See {@link BroadcastDescriptor} for the layout. A broadcast file is created complete under a
 * temporary name and then linked into place, so a receiver never opens a half-written one. A
 * process killed while creating one, and a process that shrinks one while it is mapped, have the
 * effects {@link RingBuffers} describes for ring files.
 */
public final class Broadcast {
  private Broadcast() {}

  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  /** Where broadcast files live unless told otherwise: shared memory that never touches a disk. */
  public static final Path DEFAULT_DIRECTORY = RingBuffers.DEFAULT_DIRECTORY;

  /** {@code name} in {@link #DEFAULT_DIRECTORY}. */
  public static Path defaultPath(String name) {
    return DEFAULT_DIRECTORY.resolve(name);
  }

  /**
   * Creates a lossy broadcast file of {@code capacity} bytes at {@code path}, with its memory
   * reserved, and returns its only transmitter, which never waits for receivers.
   *
   * @throws IllegalArgumentException if the capacity is not a power of two in [4 KiB, 2^40]
   * @throws FileAlreadyExistsException if a file or directory is at {@code path}, or another
   *     process created the file first
   * @throws java.nio.file.NoSuchFileException if the directory it would be in does not exist
   * @throws AccessDeniedException if this process may not create files there
   * @throws DiskFullException if the file system has less usable space than the file needs
   */
  public static BroadcastTransmitter createTransmitter(Path path, long capacity)
      throws IOException {
    return create(path, capacity, LOSSY);
  }

  /**
   * As {@link #createTransmitter}, for a reliable broadcast: the transmitter's {@link
   * BroadcastTransmitter#transmit} returns {@code false} instead of overwriting bytes that the
   * slowest live receiver has not read. Receivers join at the tail.
   */
  public static BroadcastTransmitter createReliableTransmitter(Path path, long capacity)
      throws IOException {
    return create(path, capacity, RELIABLE);
  }

  private static BroadcastTransmitter create(Path path, long capacity, int mode)
      throws IOException {
    checkCapacity(capacity);
    MappedFile file =
        SharedMemoryFile.create(
            path,
            fileSize(capacity),
            FileHeader.createdNow(KIND, VERSION, capacity, mode),
            PID_NAMESPACES_OFFSET);
    MemorySegment meta = file.chunk(0);
    ByteLocks locks = ByteLocks.open(path, true, meta).orElse(null);
    LONG.setVolatile(
        meta, TRANSMITTER_LIVENESS_OFFSET, Liveness.lock(locks, TRANSMITTER_PID_OFFSET));
    LONG.setVolatile(meta, TRANSMITTER_START_TIME_OFFSET, Processes.currentStartTime());
    LONG.setVolatile(meta, TRANSMITTER_PID_OFFSET, Processes.currentPid());
    // The path the caller named: the file was mapped under a temporary name.
    return new BroadcastTransmitter(file, path.toAbsolutePath(), capacity, mode == RELIABLE, locks);
  }

  /**
   * Opens a receiver on an existing broadcast file and registers it in the file's receiver table.
   * In a lossy broadcast it starts at the latest record: it receives the most recent message (if
   * any) and what follows. In a reliable one it starts at the tail: it receives what is transmitted
   * from now on.
   *
   * <p><b>NOTE</b>: a process that may read but not write a lossy broadcast file still gets a
   * receiver, mapped read-only and outside the receiver table: {@link BroadcastReceiver#slot()} is
   * -1, its position and lapped count are not visible in the file, and its {@link
   * BroadcastReceiver#awaitMessages} parks in short steps instead of sleeping until woken.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws FileSystemException if {@code path} is a directory
   * @throws java.nio.file.AccessDeniedException if this process may not read the file, or may not
   *     write a reliable one (a reliable receiver publishes its position for the transmitter)
   * @throws FileFormatException naming the file and the problem: not a broadcast file, another
   *     layout version, a corrupted header, a truncated file (also one that another process shrinks
   *     while this opens it), counters that make no sense
   * @throws IllegalStateException if all {@link BroadcastDescriptor#RECEIVER_SLOTS} receiver slots
   *     belong to live receivers
   */
  public static BroadcastReceiver openReceiver(Path path) throws IOException {
    boolean writable = Files.isWritable(path);
    Opened opened = open(path, writable);
    if (!writable && opened.reliable) {
      opened.file.close();
      throw new AccessDeniedException(
          path.toString(),
          null,
          "a reliable broadcast receiver must write its position into the file, and this process"
              + " may not write it");
    }
    return MappedFaults.whileOpening(
        path,
        WHAT,
        opened.file,
        () -> {
          // Before this process's identity is anywhere in the file (see PidNamespaces).
          if (writable) PidNamespaces.register(path, opened.file.chunk(0), PID_NAMESPACES_OFFSET);
          return new BroadcastReceiver(opened.file, opened.capacity, opened.reliable, writable);
        });
  }

  /**
   * Reads a broadcast file's positions, counters and receiver table through a read-only mapping,
   * without joining it: what monitoring and {@code mmapkit ipc stat} use. Needs read permission
   * only.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws FileSystemException if {@code path} is a directory
   * @throws java.nio.file.AccessDeniedException if this process may not read the file
   * @throws FileFormatException as {@link #openReceiver}
   */
  public static BroadcastStats readStats(Path path) throws IOException {
    Opened opened = open(path, false);
    try (MappedFile file = opened.file) {
      return MappedFaults.whileOpening(path, WHAT, file, () -> stats(opened));
    }
  }

  private static BroadcastStats stats(Opened opened) {
    // A descriptor of its own, which holds no lock: it sees this process's receivers' too.
    ByteLocks judge = ByteLocks.open(opened.file.path(), false, opened.file.chunk(0)).orElse(null);
    try {
      return stats(opened, judge);
    } finally {
      if (judge != null) judge.close();
    }
  }

  private static BroadcastStats stats(Opened opened, ByteLocks judge) {
    MemorySegment meta = opened.file.chunk(0);
    ReceiverTable table = new ReceiverTable(meta, judge);
    long tail = (long) LONG.getVolatile(meta, TAIL_OFFSET);
    List<BroadcastStats.Receiver> receivers = new ArrayList<>();
    for (int slot = 0; slot < RECEIVER_SLOTS; slot++) {
      long pid = table.pid(slot);
      if (pid == 0) continue;
      long position = table.position(slot);
      receivers.add(
          new BroadcastStats.Receiver(
              slot,
              pid,
              position,
              Math.max(0, tail - position),
              table.lapped(slot),
              table.waiting(slot),
              table.alive(slot)));
    }
    long transmitterPid = (long) LONG.getVolatile(meta, TRANSMITTER_PID_OFFSET);
    long transmitterStart = (long) LONG.getVolatile(meta, TRANSMITTER_START_TIME_OFFSET);
    boolean transmitterAlive =
        Liveness.mayBeAlive(
            judge,
            TRANSMITTER_PID_OFFSET,
            (long) LONG.getVolatile(meta, TRANSMITTER_LIVENESS_OFFSET),
            () ->
                PidNamespaces.mayBeAlive(
                    meta, PID_NAMESPACES_OFFSET, transmitterPid, transmitterStart));
    return new BroadcastStats(
        opened.capacity,
        opened.reliable,
        tail,
        (long) LONG.getVolatile(meta, RECORDS_WRITTEN_OFFSET),
        (long) LONG.getVolatile(meta, BACK_PRESSURE_COUNT_OFFSET),
        (long) LONG.getVolatile(meta, WAKE_COUNT_OFFSET),
        Long.bitCount(table.sleepers()),
        (long) LONG.getVolatile(meta, DROPPED_RECEIVERS_OFFSET),
        transmitterPid,
        transmitterAlive,
        List.copyOf(receivers),
        PidNamespaces.count(meta, PID_NAMESPACES_OFFSET));
  }

  /** What this class calls the files it opens, in its errors. */
  private static final String WHAT = "broadcast file";

  private record Opened(MappedFile file, long capacity, boolean reliable) {}

  private static Opened open(Path path, boolean writable) throws IOException {
    return SharedMemoryFile.open(
        path,
        WHAT,
        KIND,
        VERSION,
        writable,
        BroadcastDescriptor::checkCapacity,
        BroadcastDescriptor::fileSize,
        opened -> {
          MappedFile file = opened.file();
          long mode = opened.variant();
          if (mode != LOSSY && mode != RELIABLE) {
            throw new FileFormatException(path, "corrupted header: unknown broadcast mode " + mode);
          }
          checkCounters(path, file.chunk(0), opened.capacity());
          return new Opened(file, opened.capacity(), mode == RELIABLE);
        });
  }

  private static void checkCounters(Path path, MemorySegment meta, long capacity)
      throws FileFormatException {
    // In this order: the transmitter stores the tail intent before latest and tail, so the intent
    // read last covers both even while a record is being transmitted. It is never more than a
    // record (and a padding) ahead of either: a ring ahead means a receiver could resume nowhere.
    long latest = (long) LONG.getAcquire(meta, LATEST_OFFSET);
    long tail = (long) LONG.getAcquire(meta, TAIL_OFFSET);
    long tailIntent = (long) LONG.getVolatile(meta, TAIL_INTENT_OFFSET);
    if (latest < 0
        || tail < 0
        || tailIntent < tail
        || tailIntent < latest
        || tailIntent - tail > capacity
        || tailIntent - latest > capacity
        || ((latest | tail | tailIntent) & (ALIGNMENT - 1)) != 0) {
      throw new FileFormatException(
          path,
          "corrupted counters: latest "
              + latest
              + ", tail "
              + tail
              + ", tail intent "
              + tailIntent);
    }
  }
}
