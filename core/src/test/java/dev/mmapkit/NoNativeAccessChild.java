package dev.mmapkit;

import dev.mmapkit.internal.RawMemory;
import java.nio.file.Path;

/**
 * Child JVM for {@link NoNativeAccessTest}: runs without {@code --enable-native-access} and uses
 * every feature, printing what each answered.
 */
public final class NoNativeAccessChild {
  private NoNativeAccessChild() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    try (MappedFile file = MappedFile.create(path, 8192, MappingOptions.readWrite())) {
      file.putLong(8, 42);
      System.out.println("advise=" + file.advise(0, file.size(), Advice.RANDOM));
      System.out.println("residency=" + file.residency().isPresent());
      System.out.println("writeBack=" + file.startWriteBack(0, file.size()));
      System.out.println("evict=" + file.evict(0, file.size()));
      file.warm(0, file.size());
      file.prefaultForWrite(0, file.size());
      file.force();
      file.ensureCapacity(1 << 20);
      file.putLong((1 << 20) - 8, 7);
      System.out.println("value=" + file.getLong(8) + "," + file.getLong((1 << 20) - 8));
      System.out.println("size=" + file.size());
      RawMemory raw = new RawMemory(file.chunk(0));
      raw.setLongRelease(16, 5);
      System.out.println(
          "raw=" + RawMemory.isRaw() + "," + raw.getLong(16) + "," + file.getLong(16));
    }
  }
}
