package dev.mmapkit.log;

import java.nio.file.Path;

/**
 * Opens a log and prints whether this process judges other processes' claims and which pid its own
 * claims name: {@code JUDGES <true|false> OWNER <pid>}. Run inside namespaces by {@code
 * ClaimJudgingTest}.
 *
 * <p>Arguments: log directory.
 */
public final class ClaimJudgeChild {
  private ClaimJudgeChild() {}

  public static void main(String[] args) throws Exception {
    try (AppendLog log = AppendLog.open(Path.of(args[0]), LogConfig.defaults())) {
      LogClaim claim = log.claim(8);
      long owner =
          log.chunks().mapped(0).get(LogMeta.INT, (claim.position() & (log.chunkSize() - 1)) + 4);
      claim.abort();
      System.out.println("JUDGES " + log.judgesClaims() + " OWNER " + owner);
    }
  }
}
