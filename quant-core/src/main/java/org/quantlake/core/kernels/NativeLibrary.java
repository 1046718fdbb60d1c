package org.quantlake.core.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Loads the native int8 library once per JVM: the Maven build puts {@value #RESOURCE} into quant-core's jar (on
 * linux-x86_64, when gcc is present); it is copied to a temporary file of its own (so JVMs never share or overwrite
 * one) and loaded from there. The file is deleted right after loading: Linux keeps the mapped library alive, and
 * nothing is left behind even if the JVM is killed. Any failure is recorded as a reason, never thrown.
 */
final class NativeLibrary {

    static final String RESOURCE = "/native/linux-x86_64/libquantlake_int8.so";
    /** Frees native memory of packed layers whose owners became unreachable. */
    static final Cleaner CLEANER = Cleaner.create();

    /** What loading found: the levels this CPU runs, or why there are none. */
    record Status(Optional<String> failure, Set<NativeLevel> levels, String cpu) {
    }

    private static final Status STATUS = load();

    private NativeLibrary() {
    }

    static Status status() {
        return STATUS;
    }

    /** The reason the native kernels cannot run here, or empty when they can. */
    static Optional<String> unavailableReason() {
        return STATUS.failure();
    }

    private static Status load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return failed("no native int8 kernels are built for " + os + "/" + arch + " (only linux-x86_64)");
        }
        Path file = null;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return failed("quant-core was built without its native library (" + RESOURCE
                        + " is missing: gcc was not found at build time)");
            }
            file = Files.createTempFile("quantlake_int8-", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
        } catch (IOException | LinkageError | SecurityException e) {
            return failed("the native library did not load: " + e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }
        int mask = NativeInt8.levels();
        Set<NativeLevel> levels = EnumSet.noneOf(NativeLevel.class);
        for (NativeLevel l : NativeLevel.values()) {
            if ((mask & (1 << l.code)) != 0) {
                levels.add(l);
            }
        }
        String cpu = NativeInt8.cpu();
        levels = Collections.unmodifiableSet(levels);
        if (levels.isEmpty()) {
            return new Status(Optional.of("this CPU lacks AVX2, the native kernels' minimum (" + cpu + ")"), levels,
                    cpu);
        }
        return new Status(Optional.empty(), levels, cpu);
    }

    private static Status failed(String why) {
        return new Status(Optional.of(why), Set.of(), "");
    }
}
