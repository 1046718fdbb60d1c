package org.quantlake.spark.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Finds processes by an environment variable set on the processes a test starts and inherited by their
 * children. This catches what PIDs alone cannot: an executor whose Worker died (it is re-parented and no
 * longer anyone's descendant) or one launched after the last look.
 *
 * <p>Reads {@code /proc/PID/environ}, so it works on Linux only; elsewhere {@link #supported()} is false and
 * callers rely on the PIDs they recorded.
 */
final class MarkedProcesses {
    private MarkedProcesses() {
    }

    static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/environ"));
    }

    /** Live processes whose environment holds {@code name=value} exactly, this JVM excluded. */
    static List<ProcessHandle> find(String name, String value) {
        if (!supported()) {
            return List.of();
        }
        byte[] entry = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive() && hasEntry(p.pid(), entry))
                .toList();
    }

    private static boolean hasEntry(long pid, byte[] entry) {
        byte[] env;
        try {
            env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false;  // gone, or not ours to read
        }
        // NUL-separated NAME=value entries.
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (Arrays.equals(env, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
