package dev.mmapkit.log;

import dev.mmapkit.testkit.ShrunkFile;
import dev.mmapkit.testkit.ShrunkFile.Operation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link ShrunkLogTest}: uses the log in directory {@code args[0]} while the test
 * shrinks one of its files ({@link ShrunkFile#useWhileShrunk}, {@code args[1]} warm-up rounds).
 */
public final class ShrunkLogMain {
  private ShrunkLogMain() {}

  public static void main(String[] args) throws Exception {
    AppendLog log = AppendLog.open(Path.of(args[0]), LogConfig.defaults().withChunkSize(1 << 20));
    LogReader reader = log.reader();
    LogReader tailer = log.tailer(log.firstPosition());
    byte[] record = new byte[40];
    long first = log.append(record);
    RecordHandler ignore = (position, payload) -> {};
    ShrunkFile.useWhileShrunk(
        List.of(
            new Operation("append", true, () -> log.append(record)),
            new Operation(
                "claim",
                true,
                () -> {
                  LogClaim claim = log.claim(16);
                  claim.commit();
                }),
            new Operation("poll", true, () -> reader.poll(ignore, 16)),
            new Operation("read", true, () -> log.read(first, ignore)),
            new Operation("endPosition", true, log::endPosition),
            new Operation("await", false, () -> tailer.await(1, TimeUnit.MILLISECONDS)),
            new Operation("close", false, log::close)),
        Integer.parseInt(args[1]));
  }
}
