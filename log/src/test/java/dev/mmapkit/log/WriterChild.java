package dev.mmapkit.log;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Appends records forever from several threads and prints {@code ACK <position> <crc>} for each
 * append after it returned; the test kills it at a random point.
 *
 * <p>Arguments: log directory, durability, threads, run id (makes payloads unique per run).
 */
public final class WriterChild {
  private WriterChild() {}

  /** The payload of record {@code seq}: the sequence number, then bytes derived from it. */
  static byte[] payload(long seq) {
    Random random = new Random(seq);
    byte[] p = new byte[8 + random.nextInt(3000)];
    random.nextBytes(p);
    MemorySegment.ofArray(p).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
    return p;
  }

  static long crc(MemorySegment payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload.asByteBuffer());
    return crc.getValue();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Durability durability = Durability.valueOf(args[1]);
    int threads = Integer.parseInt(args[2]);
    long run = Long.parseLong(args[3]);
    PrintStream out = new PrintStream(System.out, false);
    AppendLog log = AppendLog.open(dir, new LogConfig(1L << 16, durability));

    for (int t = 0; t < threads; t++) {
      long thread = t;
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (long i = 0; ; i++) {
                    byte[] p = payload((run << 40) | (thread << 32) | i);
                    long position = log.append(p);
                    String line = "ACK " + position + " " + crc(MemorySegment.ofArray(p));
                    synchronized (out) {
                      out.println(line);
                      out.flush();
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                  System.exit(3);
                }
              });
      writer.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
