package dev.mmapkit.log;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a log directory holds, read from outside without opening the log for appending (so without
 * recovery and without changing anything): for monitoring and {@code mmapkit log stat}.
 *
 * @param directory the log directory
 * @param chunkSize the size of each chunk file
 * @param logId the log's random id
 * @param firstPosition the position of the first record
 * @param endPosition the claimed tail: where the next append goes (records just below it may still
 *     be being written, and after a crash it may include space recovery will cut)
 * @param chunkFiles how many chunk files there are, including ones prepared ahead of the tail
 * @param diskBytes the size of the chunk files and {@code log.meta} together
 */
public record LogStats(
    Path directory,
    long chunkSize,
    long logId,
    long firstPosition,
    long endPosition,
    long chunkFiles,
    long diskBytes) {

  /**
   * Reads the statistics of the log in {@code dir}. Cost: one small mapping and a directory
   * listing.
   *
   * @throws NoSuchFileException if {@code dir} holds no {@code log.meta}
   * @throws FileFormatException if {@code log.meta} is damaged
   */
  public static LogStats read(Path dir) throws IOException {
    Path metaPath = dir.resolve(LogMetaDescriptor.FILE_NAME);
    if (!Files.exists(metaPath)) {
      throw new NoSuchFileException(metaPath.toString(), null, "not a log directory (no log.meta)");
    }
    try (MappedFile meta =
        MappedFile.open(
            metaPath, MappingOptions.readOnly().withChunkSize(LogMetaDescriptor.FILE_SIZE))) {
      return MappedFaults.whileOpening(
          metaPath,
          "log.meta",
          meta,
          () -> {
            FileHeader header =
                FileHeader.readFrom(
                    meta.chunk(0), metaPath, LogMetaDescriptor.KIND, LogMetaDescriptor.VERSION);
            if (meta.size() < LogMetaDescriptor.FILE_SIZE
                || header.parameters().length <= LogMetaDescriptor.PARAM_LOG_ID) {
              throw new FileFormatException(metaPath, "truncated or damaged log.meta");
            }
            long chunkSize = header.parameter(LogMetaDescriptor.PARAM_CHUNK_SIZE);
            long tail =
                (long)
                    LogMeta.LONG_HANDLE.getVolatile(meta.chunk(0), LogMetaDescriptor.TAIL_OFFSET);
            ChunkFiles chunks = new ChunkFiles(dir, chunkSize, 0, false, false, () -> 0);
            long[] indices = chunks.existingIndices();
            long disk = meta.size();
            for (long index : indices) disk += Files.size(chunks.path(index));
            long retained =
                (long)
                    LogMeta.LONG_HANDLE.getVolatile(
                        meta.chunk(0), LogMetaDescriptor.FIRST_CHUNK_OFFSET);
            long first = Math.max(retained, indices.length == 0 ? 0 : indices[0]) * chunkSize;
            return new LogStats(
                dir,
                chunkSize,
                header.parameter(LogMetaDescriptor.PARAM_LOG_ID),
                first + LogChunkDescriptor.FIRST_RECORD_OFFSET,
                tail,
                indices.length,
                disk);
          });
    }
  }
}
