package dev.mmapkit;

import java.nio.file.Path;

/**
 * The kernel refused to map part of a file: the process has too many mappings ({@code
 * vm.max_map_count}) or too little address space ({@code ulimit -v}). The message says which, with
 * the current numbers.
 */
public final class MappingFailedException extends MmapkitException {
  private static final long serialVersionUID = 1L;

  /**
   * @param file the file being mapped
   * @param problem which limit was hit, with the numbers and the fix
   * @param cause the JDK's failure
   */
  MappingFailedException(Path file, String problem, Throwable cause) {
    super(file, problem, cause);
  }
}
