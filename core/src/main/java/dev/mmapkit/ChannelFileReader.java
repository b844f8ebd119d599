package dev.mmapkit;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link FileReader} that copies with positional reads ({@code pread}). */
final class ChannelFileReader implements FileReader {
  private final Path path;
  private final FileChannel channel;
  private final long size;

  private ChannelFileReader(Path path, FileChannel channel, long size) {
    this.path = path;
    this.channel = channel;
    this.size = size;
  }

  static ChannelFileReader open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      throw new FileSystemException(path.toString(), null, "is a directory, not a regular file");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "no such file");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(
          path.toString(), null, "permission denied opening it read-only");
    }
    return new ChannelFileReader(path, channel, channel.size());
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public ReadStrategy strategy() {
    return ReadStrategy.PREAD;
  }

  @Override
  public void read(long position, MemorySegment dst) throws IOException {
    FileReader.checkInFile(this, position, dst.byteSize());
    ByteBuffer buffer = dst.asByteBuffer();
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) throw new EOFException(path + ": file shrank below " + size + " bytes while open");
    }
  }

  @Override
  public long readLong(long position) throws IOException {
    byte[] bytes = new byte[Long.BYTES];
    read(position, bytes);
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
