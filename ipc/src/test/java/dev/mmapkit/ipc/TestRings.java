package dev.mmapkit.ipc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh directory in /dev/shm per test, where rings live in real use. */
final class TestRings implements AutoCloseable {
  final Path directory;

  TestRings() throws IOException {
    directory = Files.createTempDirectory(RingBuffers.DEFAULT_DIRECTORY, "mmapkit-ipc-test-");
  }

  Path path(String name) {
    return directory.resolve(name);
  }

  RingBuffer create(String name, long capacity, boolean manyToOne) throws IOException {
    return manyToOne
        ? RingBuffers.createManyToOne(path(name), capacity)
        : RingBuffers.createOneToOne(path(name), capacity);
  }

  /**
   * The ring's meta segment (header, positions, counters, producer table), for tests that edit it.
   */
  static MemorySegment meta(RingBuffer ring) {
    return ((MappedRingBuffer) ring).meta;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
