package dev.mmapkit;

import java.nio.file.Path;

/**
 * Child JVM for {@link MapCountTest}: maps a file in 4 KiB chunks until the kernel runs out of
 * {@code vm.max_map_count}, and prints the exception.
 */
public final class MapCountChild {
  private MapCountChild() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readOnly().withChunkSize(4096))) {
      System.out.println("MAPPED " + file.chunkCount());
      System.exit(3);
    } catch (MappingFailedException e) {
      System.out.println("FAILED " + e.getMessage());
    }
    // the failed open released everything it had mapped
    try (MappedFile again = MappedFile.open(path)) {
      System.out.println("REOPENED " + again.size());
    }
  }
}
