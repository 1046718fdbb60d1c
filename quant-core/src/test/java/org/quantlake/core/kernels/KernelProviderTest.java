package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The selection rule through {@link KernelProvider#select} and {@link KernelProvider#nativeAt}, which take "module
 * present", the loaders and the available native levels as parameters, so the fallback and failure branches run
 * here without restarting the JVM.
 */
class KernelProviderTest {

    private static final String FLAG = "--add-modules jdk.incubator.vector";

    /** A stand-in for the Vector API kernels that counts how often it was loaded. */
    private static final class CountingLoader implements Supplier<KernelProvider.KernelSet> {
        final AtomicInteger calls = new AtomicInteger();
        final KernelProvider.KernelSet fake = new KernelProvider.KernelSet(new FakeKernels(), new FakeInt8Kernels());

        @Override
        public KernelProvider.KernelSet get() {
            calls.incrementAndGet();
            return fake;
        }
    }

    /** A native loader for a machine without the native kernels. */
    private static final Supplier<Int8Kernels> NO_NATIVE = () -> {
        throw new UnsupportedOperationException("no library for plan9/mips");
    };

    /** A native loader that works, counting its calls. */
    private static final class NativeLoader implements Supplier<Int8Kernels> {
        final AtomicInteger calls = new AtomicInteger();
        final Int8Kernels fake = new FakeInt8Kernels();

        @Override
        public Int8Kernels get() {
            calls.incrementAndGet();
            return fake;
        }
    }

    @Test
    void autoPrefersNativeInt8WithTheVectorApiFloats() {
        CountingLoader panama = new CountingLoader();
        NativeLoader nat = new NativeLoader();
        KernelProvider.Selection s = KernelProvider.select(null, true, panama, nat);
        assertSame(panama.fake.floats(), s.kernels().floats());
        assertSame(nat.fake, s.kernels().int8());
        assertEquals(Optional.empty(), s.warning());
    }

    @Test
    void autoUsesPanamaWhenNativeCannotRunAndSaysWhyInOneLine() {
        CountingLoader loader = new CountingLoader();
        KernelProvider.Selection s = KernelProvider.select(null, true, loader, NO_NATIVE);
        assertSame(loader.fake, s.kernels());
        String w = s.warning().orElseThrow();
        assertTrue(w.contains("plan9/mips") && w.contains("Vector API int8"), w);
        assertFalse(w.contains("\n"), w);
        assertEquals(1, loader.calls.get());
    }

    @Test
    void autoFallsBackToJavaWithOneWarningNamingTheFlagAndTheNativeReason() {
        CountingLoader loader = new CountingLoader();
        KernelProvider.Selection s = KernelProvider.select("auto", false, loader, NO_NATIVE);
        assertSame(KernelProvider.JAVA, s.kernels());
        String w = s.warning().orElseThrow();
        assertTrue(w.contains(FLAG) && w.contains("plan9/mips"), w);
        assertEquals(0, loader.calls.get(), "must not touch the Vector API classes without the module");
    }

    @Test
    void autoWithNativeButNoVectorModuleUsesJavaFloatsAndWarnsAboutTheModule() {
        NativeLoader nat = new NativeLoader();
        KernelProvider.Selection s = KernelProvider.select("auto", false, new CountingLoader(), nat);
        assertSame(KernelProvider.JAVA.floats(), s.kernels().floats());
        assertSame(nat.fake, s.kernels().int8());
        assertTrue(s.warning().orElseThrow().contains(FLAG), s.warning().get());
    }

    @Test
    void autoFallsBackWhenTheKernelsRefuseThisHardware() {
        KernelProvider.Selection s = KernelProvider.select("", true, () -> {
            throw new UnsupportedOperationException("2 lanes");
        }, NO_NATIVE);
        assertSame(KernelProvider.JAVA, s.kernels());
        assertTrue(s.warning().orElseThrow().contains("2 lanes"), s.warning().get());
    }

    @Test
    void forcedJavaNeverLoadsPanamaOrNativeAndDoesNotWarn() {
        for (boolean present : new boolean[] {true, false}) {
            CountingLoader loader = new CountingLoader();
            NativeLoader nat = new NativeLoader();
            KernelProvider.Selection s = KernelProvider.select(" Java ", present, loader, nat);
            assertSame(KernelProvider.JAVA, s.kernels());
            assertEquals(Optional.empty(), s.warning());
            assertEquals(0, loader.calls.get());
            assertEquals(0, nat.calls.get());
        }
    }

    @Test
    void forcedPanamaLoadsItOrFailsClearly() {
        CountingLoader loader = new CountingLoader();
        NativeLoader nat = new NativeLoader();
        assertSame(loader.fake, KernelProvider.select("PANAMA", true, loader, nat).kernels());
        assertEquals(0, nat.calls.get());

        IllegalStateException noModule = assertThrows(IllegalStateException.class,
                () -> KernelProvider.select("panama", false, loader, nat));
        assertTrue(noModule.getMessage().contains(FLAG), noModule.getMessage());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> KernelProvider.select("panama", true, () -> {
                    throw new NoClassDefFoundError("jdk/incubator/vector/FloatVector");
                }, nat));
        assertTrue(refused.getMessage().contains("FloatVector"), refused.getMessage());
    }

    @Test
    void forcedNativeLoadsItOrFailsClearly() {
        NativeLoader nat = new NativeLoader();
        CountingLoader panama = new CountingLoader();
        KernelProvider.Selection s = KernelProvider.select("native", true, panama, nat);
        assertSame(nat.fake, s.kernels().int8());
        assertSame(panama.fake.floats(), s.kernels().floats());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelProvider.select("NATIVE", true, panama, NO_NATIVE));
        assertTrue(e.getMessage().contains("plan9/mips") && e.getMessage().contains("native"), e.getMessage());
    }

    @Test
    void unknownValuesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelProvider.select("simd", true, new CountingLoader(), new NativeLoader()));
        assertTrue(e.getMessage().contains("java, panama, native, auto"), e.getMessage());
    }

    @Test
    void theNativeLevelIsTheBestAvailableUnlessForced() {
        List<NativeLevel> all = List.of(NativeLevel.AVX512_VNNI, NativeLevel.AVX_VNNI, NativeLevel.AVX2);
        List<NativeLevel> asked = new ArrayList<>();
        java.util.function.Function<NativeLevel, Int8Kernels> make = l -> {
            asked.add(l);
            return new FakeInt8Kernels();
        };
        KernelProvider.nativeAt(null, all, Optional.empty(), make);
        KernelProvider.nativeAt("auto", List.of(NativeLevel.AVX2), Optional.empty(), make);
        KernelProvider.nativeAt(" AVXVNNI ", all, Optional.empty(), make);
        assertEquals(List.of(NativeLevel.AVX512_VNNI, NativeLevel.AVX2, NativeLevel.AVX_VNNI), asked);

        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> KernelProvider.nativeAt("avx512vnni", List.of(NativeLevel.AVX2), Optional.empty(), make));
        assertTrue(missing.getMessage().contains(KernelProvider.LEVEL_PROPERTY + "=avx512vnni")
                && missing.getMessage().contains("avx2"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> KernelProvider.nativeAt("amx", all, Optional.empty(), make));
        assertTrue(unknown.getMessage().contains("avx512vnni, avxvnni, avx2"), unknown.getMessage());
        UnsupportedOperationException none = assertThrows(UnsupportedOperationException.class,
                () -> KernelProvider.nativeAt(null, List.of(), Optional.of("no gcc at build time"), make));
        assertTrue(none.getMessage().contains("no gcc"), none.getMessage());
    }

    @Test
    void realLoaderMatchesTheModuleLayer() {
        // Surefire runs with the module, so this loads the real class; without it, panamaKernels() must be empty.
        boolean present = KernelProvider.vectorModulePresent();
        assertEquals(present, KernelProvider.panamaKernels().isPresent());
        assertEquals(present, KernelProvider.panamaInt8Kernels().isPresent());
        if (present) {
            KernelProvider.KernelSet loaded = KernelProvider.loadPanama();
            assertEquals("panama", loaded.floats().name());
            assertEquals("org.quantlake.core.kernels.PanamaFloatKernels", loaded.floats().getClass().getName());
            assertEquals("panama", loaded.int8().name());
            assertEquals("org.quantlake.core.kernels.PanamaInt8Kernels", loaded.int8().getClass().getName());
        }
    }

    @Test
    void theJvmWideChoiceIsMadeOnceAndIsOneOfTheImplementations() {
        FloatKernels chosen = KernelProvider.floatKernels();
        assertSame(chosen, KernelProvider.floatKernels());
        String forced = System.getProperty(KernelProvider.PROPERTY, "auto");
        boolean java = forced.equals("java") || KernelProvider.panamaKernels().isEmpty();
        FloatKernels expected = java ? KernelProvider.javaKernels() : KernelProvider.panamaKernels().get();
        Int8Kernels int8 = KernelProvider.int8Kernels();
        if (int8 instanceof NativeInt8Kernels && NativeFloatKernels.runs(((NativeInt8Kernels) int8).level())) {
            // The native family: native convolutions at the int8 level, the Java float kernels for the rest.
            NativeFloatKernels nat = assertInstanceOf(NativeFloatKernels.class, chosen);
            assertSame(((NativeInt8Kernels) int8).level(), nat.level());
            assertEquals(nat.level() == NativeLevel.AVX512_VNNI ? "native-avx512" : "native-avx2", nat.name());
        } else {
            assertSame(expected, chosen);
        }
    }

    @Test
    void int8KernelsAreTheBestNativeLevelOrComeFromTheFloatFamily() {
        Int8Kernels chosen = KernelProvider.int8Kernels();
        assertSame(chosen, KernelProvider.int8Kernels());
        String forced = System.getProperty(KernelProvider.PROPERTY, "auto");
        List<NativeLevel> levels = KernelProvider.nativeLevels();
        Int8Kernels expected;
        if (!forced.equals("java") && !forced.equals("panama") && !levels.isEmpty()) {
            String level = System.getProperty(KernelProvider.LEVEL_PROPERTY, "auto");
            NativeLevel l = level.equals("auto") ? levels.get(0) : NativeLevel.parse(level);
            expected = KernelProvider.nativeInt8Kernels(l).orElseThrow();
        } else {
            boolean java = KernelProvider.floatKernels() == KernelProvider.javaKernels();
            expected = java ? KernelProvider.javaInt8Kernels() : KernelProvider.panamaInt8Kernels().get();
        }
        assertSame(expected, chosen);
    }

    /** Never called: the selection tests only compare identities. */
    private static final class FakeKernels implements FloatKernels {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate) {
            throw new AssertionError("not for computing");
        }

        @Override
        public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void biasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
            throw new AssertionError("not for computing");
        }
    }

    /** Never called: the selection tests only compare identities. */
    private static final class FakeInt8Kernels implements Int8Kernels {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void maxU8(int n, byte[] x, int xOff, byte[] y, int yOff) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void addU8(int n, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff, float bScale, int bZp,
                          float yScale, int yZp, int lo, int hi, byte[] y, int yOff) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void gemmS8U8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                             int[] c, int cOff, int ldc) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void gemmU8S8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                             int[] c, int cOff, int ldc) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void requantizeRows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                                   int lo, int hi, byte[] y, int yOff) {
            throw new AssertionError("not for computing");
        }

        @Override
        public void requantizeCols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                                   int lo, int hi, byte[] y, int yOff) {
            throw new AssertionError("not for computing");
        }
    }

    /** -Dquantlake.native.level picks the float level too: each level this CPU runs gives its native float kernels. */
    @Test
    void theNativeFamilysFloatKernelsFollowTheNativeLevel() {
        for (NativeLevel level : KernelProvider.nativeLevels()) {
            KernelProvider.Selection s = KernelProvider.select("native", false, () -> {
                throw new AssertionError("not asked without the module");
            }, () -> KernelProvider.nativeAt(level.id(), KernelProvider.nativeLevels(), Optional.empty(),
                    l -> KernelProvider.nativeInt8Kernels(l).orElseThrow()));
            assertEquals("native-" + level.id(), s.kernels().int8().name());
            NativeFloatKernels floats = assertInstanceOf(NativeFloatKernels.class, s.kernels().floats());
            assertSame(level, floats.level());
            assertEquals(level == NativeLevel.AVX512_VNNI ? "native-avx512" : "native-avx2", floats.name());
        }
    }
}
