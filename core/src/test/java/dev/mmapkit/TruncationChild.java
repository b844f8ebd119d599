package dev.mmapkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * Child JVM for {@link TruncationTest}: maps a file, reads it until the reading code is compiled
 * (or not, under -Xint), says READY, waits for the parent to truncate the file, then reads again.
 * Exit 0 and a TRUNCATED line when the fault became {@link MappedFileTruncatedException}.
 */
public final class TruncationChild {
  private TruncationChild() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int warmRounds = Integer.parseInt(args[1]);
    boolean write = args.length > 2 && args[2].equals("write");
    try (MappedFile file =
        MappedFile.open(path, write ? MappingOptions.readWrite() : MappingOptions.readOnly())) {
      long sum = 0;
      for (int round = 0; round < warmRounds; round++) sum += pass(file, write);
      System.out.println("READY " + sum);
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in)).readLine(); // parent truncated the file
      try {
        sum += pass(file, write);
        System.out.println("NO FAULT " + sum);
        System.exit(3);
      } catch (MappedFileTruncatedException e) {
        System.out.println("TRUNCATED offset=" + e.offset() + " size=" + e.currentSize());
        System.out.println(e.getMessage());
      }
      // the file stays usable below the new end
      System.out.println("STILL READABLE " + file.getLong(0));
    }
  }

  private static long pass(MappedFile file, boolean write) {
    long sum = 0;
    for (long offset = 0; offset + 8 <= file.size(); offset += 4096) {
      if (write) file.putLong(offset, offset);
      else sum += file.getLong(offset);
    }
    return sum;
  }
}
