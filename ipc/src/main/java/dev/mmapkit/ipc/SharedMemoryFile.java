package dev.mmapkit.ipc;

import dev.mmapkit.Bytes;
import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedFaults;
import dev.mmapkit.internal.Processes;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the files of rings and broadcasts so that no process can ever open a half-made one: the
 * file is reserved, mapped and given its header under a temporary name, then hard-linked into
 * place, which fails if another process got there first. A process killed before it removed its
 * temporary file leaves it behind with all its memory reserved; the next create of the same name in
 * that directory removes it.
 */
final class SharedMemoryFile {
  private SharedMemoryFile() {}

  /**
   * Cleans up after ring and broadcast objects once they are unreachable: unmaps a ring's file,
   * closes lock descriptors ({@link Liveness}).
   */
  static final Cleaner CLEANER = Cleaner.create();

  /** Tells apart the temporary files of threads of this process that create the same name. */
  private static final AtomicLong CREATES = new AtomicLong();

  /**
   * What follows {@code .NAME.} in a temporary file's name: the creator's pid, its start time, its
   * PID namespace (0 if unknown) and a count ({@code PID-START-NAMESPACE-N.new}); or, as earlier
   * builds named it, {@code PID-START-N.new} or the pid alone.
   */
  private static final Pattern CREATOR =
      Pattern.compile("(\\d{1,18})(?:-(\\d{1,18})(?:-(\\d{1,18}))?-\\d{1,18})?\\.new");

  /**
   * Creates {@code path} of {@code size} bytes starting with {@code header}, with this process's
   * PID namespace in the table at {@code namespacesOffset} ({@link PidNamespaces}), mapped as one
   * chunk.
   *
   * @throws FileAlreadyExistsException if the file (or a directory) exists, or another process
   *     created it first
   * @throws NoSuchFileException if the directory it would be in does not exist
   * @throws AccessDeniedException if this process may not create files in that directory
   * @throws DiskFullException if the file system has less usable space than {@code size}
   */
  static MappedFile create(Path path, long size, FileHeader header, long namespacesOffset)
      throws IOException {
    Path absolute = path.toAbsolutePath();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      String what = Files.isDirectory(absolute) ? "a directory" : "a file";
      throw new FileAlreadyExistsException(absolute.toString(), null, what + " is already there");
    }
    Path directory = absolute.getParent();
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(absolute.toString(), null, "no such directory: " + directory);
    }
    String prefix = "." + absolute.getFileName() + ".";
    removeTemporariesOfDeadProcesses(directory, prefix);
    long usable = Files.getFileStore(directory).getUsableSpace();
    if (usable < size) {
      throw new DiskFullException(absolute, size, usable, null);
    }
    // The start time too: a pid is reused (a container's JVM is often pid 1 every time), and a
    // file left by a killed earlier holder of this pid must neither be taken for a live one nor
    // be in the way.
    Path temporary =
        directory.resolve(
            prefix
                + Processes.currentPid()
                + "-"
                + Processes.currentStartTime()
                + "-"
                + Processes.currentPidNamespace()
                + "-"
                + CREATES.incrementAndGet()
                + ".new");
    MappedFile file;
    try {
      file = MappedFile.create(temporary, size, wholeFileOptions(size));
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(
          absolute.toString(), null, "permission denied creating a file in " + directory);
    }
    try {
      header.writeTo(file.chunk(0));
      PidNamespaces.recordCreator(file.chunk(0), namespacesOffset);
      try {
        Files.createLink(absolute, temporary);
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(
            absolute.toString(), null, "another process created it first");
      }
      return file;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Deletes the temporary files ({@code PREFIX PID-START-NAMESPACE-N.new}) that processes no longer
   * running left in {@code directory} when they were killed while creating the same name. Only
   * names of exactly that form: a ring named {@code NAME.2024-01} has temporary files that start
   * with the same prefix.
   */
  private static void removeTemporariesOfDeadProcesses(Path directory, String prefix)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(prefix)) continue;
        Matcher creator = CREATOR.matcher(name.substring(prefix.length()));
        if (!creator.matches()) continue;
        long pid = Long.parseLong(creator.group(1));
        long startTime = creator.group(2) == null ? 0 : Long.parseLong(creator.group(2));
        // A creator in another PID namespace (container) cannot be judged from here: kept.
        boolean dead =
            creator.group(3) == null
                ? !Processes.isAlive(pid, startTime)
                : Processes.liveness(pid, startTime, Long.parseLong(creator.group(3)))
                    == Processes.Liveness.DEAD;
        if (dead) Files.deleteIfExists(entry);
      }
    } catch (AccessDeniedException e) {
      // Not listable: nothing of ours to clean, and creating will report what is wrong.
    }
  }

  /**
   * A file opened by {@link #open}: its mapping, and the capacity and second layout parameter (ring
   * type, broadcast mode) its header names.
   */
  record Opened(MappedFile file, long capacity, long variant) {}

  /** The checks of one kind of file that follow those {@link #open} makes for every kind. */
  interface KindChecks<T> {
    /** Checks the rest of {@code opened} and returns what the open returns. */
    T check(Opened opened) throws IOException;
  }

  /**
   * Opens an existing {@code what} ("ring", "broadcast file") of {@code kind} and {@code version},
   * mapped as one chunk (read-only unless {@code writable}), and checks what every kind shares: not
   * a directory, at least a header long, a valid header with two layout parameters, a capacity that
   * {@code checkCapacity} accepts, and a file as long as {@code fileSize} of it; then runs {@code
   * kindChecks}, in the same {@link MappedFaults#whileOpening}.
   *
   * @throws FileFormatException naming the file and what is wrong with it, also if another process
   *     shrinks it meanwhile
   */
  static <T> T open(
      Path path,
      String what,
      String kind,
      int version,
      boolean writable,
      LongConsumer checkCapacity,
      LongUnaryOperator fileSize,
      KindChecks<T> kindChecks)
      throws IOException {
    if (Files.isDirectory(path)) {
      throw new FileSystemException(path.toString(), null, "is a directory, not a " + what);
    }
    long size = Files.size(path);
    if (size < FileHeader.SIZE) throw shorterThanHeader(path, what, size);
    MappingOptions options = wholeFileOptions(size);
    if (!writable) options = MappingOptions.readOnly().withChunkSize(options.chunkSize());
    MappedFile file = MappedFile.open(path, options);
    return MappedFaults.whileOpening(
        path,
        what,
        file,
        () -> {
          // What was mapped is what is checked: the file may have changed since it was measured.
          if (file.size() != size) {
            if (file.size() < FileHeader.SIZE) throw shorterThanHeader(path, what, file.size());
            throw new FileFormatException(
                path,
                "changed size while being opened, from "
                    + size
                    + " to "
                    + file.size()
                    + " bytes: another process changed it");
          }
          FileHeader header = FileHeader.readFrom(file.chunk(0), path, kind, version);
          if (header.parameters().length < 2) {
            throw new FileFormatException(
                path,
                "corrupted header: " + header.parameters().length + " layout parameters, not 2");
          }
          long capacity = header.parameter(0);
          try {
            checkCapacity.accept(capacity);
          } catch (IllegalArgumentException e) {
            throw new FileFormatException(path, "corrupted header: " + e.getMessage());
          }
          if (size < fileSize.applyAsLong(capacity)) {
            throw new FileFormatException(
                path,
                "truncated: file is "
                    + size
                    + " bytes, a "
                    + what
                    + " of capacity "
                    + Bytes.format(capacity)
                    + " needs "
                    + fileSize.applyAsLong(capacity));
          }
          return kindChecks.check(new Opened(file, capacity, header.parameter(1)));
        });
  }

  private static FileFormatException shorterThanHeader(Path path, String what, long size) {
    return new FileFormatException(
        path,
        "file is "
            + size
            + " bytes, shorter than the "
            + FileHeader.SIZE
            + "-byte header: truncated, or not a "
            + what);
  }

  /** Read-write options whose one chunk covers a file of {@code size}, so it is one segment. */
  static MappingOptions wholeFileOptions(long size) {
    long chunk = Math.max(MappingOptions.MIN_CHUNK_SIZE, Long.highestOneBit(size - 1) << 1);
    return MappingOptions.readWrite().withChunkSize(chunk);
  }
}
