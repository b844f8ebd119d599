package dev.mmapkit;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A {@link FileReader} over a {@link MappedFile}. */
final class MappedFileReader implements FileReader {
  private final MappedFile file;

  private MappedFileReader(MappedFile file) {
    this.file = file;
  }

  static MappedFileReader open(Path path, AccessPattern pattern) throws IOException {
    MappedFile file = MappedFile.open(path);
    try {
      switch (pattern) {
        case RANDOM -> file.advise(0, file.size(), Advice.RANDOM);
        case SEQUENTIAL -> file.advise(0, file.size(), Advice.SEQUENTIAL);
        case ONE_SHOT -> {}
      }
      return new MappedFileReader(file);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  @Override
  public Path path() {
    return file.path();
  }

  @Override
  public long size() {
    return file.size();
  }

  @Override
  public ReadStrategy strategy() {
    return ReadStrategy.MMAP;
  }

  @Override
  public void read(long position, MemorySegment dst) throws IOException {
    FileReader.checkInFile(this, position, dst.byteSize());
    file.get(position, dst);
  }

  @Override
  public long readLong(long position) throws IOException {
    FileReader.checkInFile(this, position, Long.BYTES);
    return file.getLong(position);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
