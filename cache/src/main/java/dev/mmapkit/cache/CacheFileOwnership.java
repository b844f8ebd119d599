package dev.mmapkit.cache;

import dev.mmapkit.MmapkitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks who may change a cache file before this process trusts it. Every process that can write
 * the file can make every other process return values of its choosing, so an existing file is
 * refused when it grants write access beyond the config's {@link CacheConfig#fileMode()} (e.g. a
 * world-writable file in {@code /dev/shm}), or belongs to another user while the mode grants
 * neither group nor others write access (someone else made the file this process was told to own).
 * Read access beyond the mode is not a risk to this process, only to the values' secrecy: it is
 * logged as a warning, once per file (as is execute permission, which is merely unneeded).
 */
final class CacheFileOwnership {
  private CacheFileOwnership() {}

  private static final System.Logger LOG = System.getLogger(SharedCache.class.getName());
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();
  private static final Set<PosixFilePermission> WRITE =
      EnumSet.of(
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_WRITE);

  private static final Set<PosixFilePermission> READ =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.OTHERS_READ);

  /**
   * Checks {@code path}, which the caller has resolved to the file itself (no symlink), so that the
   * file checked is the file read and mapped.
   *
   * @throws MmapkitException naming the file, its mode or owner, what was asked and the fix
   */
  static void check(Path path, Set<PosixFilePermission> requested) throws IOException {
    Set<PosixFilePermission> actual =
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> extra = EnumSet.copyOf(actual);
    extra.removeAll(requested);
    String problem =
        "has mode "
            + PosixFilePermissions.toString(actual)
            + ", more open than the configured fileMode "
            + PosixFilePermissions.toString(requested);
    if (extra.stream().anyMatch(WRITE::contains)) {
      throw new MmapkitException(
          path,
          problem
              + ": other users could change what this process reads from the cache; chmod it, or"
              + " configure CacheConfig.withFileMode if the sharing is intended");
    }
    if (!extra.isEmpty() && WARNED.add(path.toAbsolutePath())) {
      boolean readable = extra.stream().anyMatch(READ::contains);
      LOG.log(
          System.Logger.Level.WARNING,
          path
              + " "
              + problem
              + (readable
                  ? ": other users can read the cached values"
                  : ": execute permission the cache does not need (nothing more can be read or"
                      + " changed)"));
    }
    boolean sharedAcrossUsers =
        requested.contains(PosixFilePermission.GROUP_WRITE)
            || requested.contains(PosixFilePermission.OTHERS_WRITE);
    long owner =
        ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    long me = currentUid();
    if (!sharedAcrossUsers && me >= 0 && owner != me) {
      throw new MmapkitException(
          path,
          "belongs to uid "
              + owner
              + ", not to this process's uid "
              + me
              + ", and the configured fileMode "
              + PosixFilePermissions.toString(requested)
              + " does not share the cache across users; delete it, or configure a group-writable"
              + " CacheConfig.withFileMode if the sharing is intended");
    }
  }

  /** This process's effective uid (from {@code /proc/self/status}), or -1 where unknown. */
  static long currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:"))
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return -1;
  }
}
