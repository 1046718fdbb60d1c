package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every kernel implementation this JVM can run; Panama is required whenever its module is present. */
final class KernelsUnderTest {

    private KernelsUnderTest() {
    }

    static List<FloatKernels> all() {
        List<FloatKernels> out = new ArrayList<>();
        out.add(KernelProvider.javaKernels());
        if (KernelProvider.vectorModulePresent()) {
            // Surefire passes --add-modules jdk.incubator.vector, so a missing Panama kernel here is a bug, not a skip.
            assertTrue(KernelProvider.panamaKernels().isPresent(), "Vector API module present but kernels not loaded");
            out.add(KernelProvider.panamaKernels().get());
        }
        // the native family's float kernels (native conv and max pool, the rest delegated), one per distinct kernel set
        // (the avxvnni and avx2 levels both run the ymm float kernels, under one name)
        for (NativeLevel level : KernelProvider.nativeLevels()) {
            KernelProvider.nativeFloatKernels(level).filter(k -> out.stream().noneMatch(o -> o.name().equals(k.name())))
                    .ifPresent(out::add);
        }
        return out;
    }

    static Stream<FloatKernels> stream() {
        return all().stream();
    }

    static List<Int8Kernels> allInt8() {
        List<Int8Kernels> out = new ArrayList<>();
        out.add(KernelProvider.javaInt8Kernels());
        if (KernelProvider.vectorModulePresent()) {
            assertTrue(KernelProvider.panamaInt8Kernels().isPresent(), "Vector API module present, no int8 kernels");
            out.add(KernelProvider.panamaInt8Kernels().get());
        }
        out.addAll(nativeInt8());
        return out;
    }

    /**
     * The native kernels at every dispatch level this CPU runs. When the build put the library into the classes it
     * must load (a failure is a bug, not a skip); without it (no gcc at build time, other platforms) there are none
     * and the reason is printed once.
     */
    static List<Int8Kernels> nativeInt8() {
        List<Int8Kernels> out = new ArrayList<>();
        if (NativeLibrary.class.getResource(NativeLibrary.RESOURCE) != null) {
            String reason = KernelProvider.nativeUnavailableReason().orElse("");
            assertTrue(reason.isEmpty() || reason.contains("lacks AVX2"), "native library built but not usable: "
                    + reason);
        } else {
            NativeSkip.once();
        }
        for (NativeLevel level : KernelProvider.nativeLevels()) {
            out.add(KernelProvider.nativeInt8Kernels(level).orElseThrow());
        }
        return out;
    }

    /**
     * The native float kernels at every dispatch level this CPU runs (avx512vnni: the zmm kernels; avxvnni and avx2:
     * the ymm kernels), checked like {@link #nativeInt8}; empty without the native library.
     */
    static List<FloatKernels> nativeFloat() {
        List<FloatKernels> out = new ArrayList<>();
        nativeInt8(); // the same checks: a library that was built must load
        for (NativeLevel level : KernelProvider.nativeLevels()) {
            out.add(KernelProvider.nativeFloatKernels(level).orElseThrow(
                    () -> new AssertionError("native float kernels missing at " + level.id() + " (no FMA?)")));
        }
        return out;
    }

    /** Every float kernel family: plain Java, Vector API, native at each level. */
    static List<FloatKernels> allWithNative() {
        List<FloatKernels> out = all();
        out.addAll(nativeFloat());
        return out;
    }

    static Stream<Int8Kernels> streamNativeInt8() {
        return nativeInt8().stream();
    }

    /** Prints why the native level is not tested, once per JVM. */
    private static final class NativeSkip {
        static {
            System.out.println("[native kernels not tested] " + KernelProvider.nativeUnavailableReason().orElse("?"));
        }

        static void once() {
        }
    }

    static Stream<Int8Kernels> streamInt8() {
        return allInt8().stream();
    }
}
