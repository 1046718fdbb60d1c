package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The selection rule through {@link KernelProvider#select}, which takes "module present" and the loader as
 * parameters, so the fallback and failure branches run here without restarting the JVM.
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

    @Test
    void autoUsesPanamaWhenTheModuleIsPresent() {
        CountingLoader loader = new CountingLoader();
        KernelProvider.Selection s = KernelProvider.select(null, true, loader);
        assertSame(loader.fake, s.kernels());
        assertEquals(Optional.empty(), s.warning());
        assertEquals(1, loader.calls.get());
    }

    @Test
    void autoFallsBackWithOneWarningNamingTheFlag() {
        CountingLoader loader = new CountingLoader();
        KernelProvider.Selection s = KernelProvider.select("auto", false, loader);
        assertSame(KernelProvider.JAVA, s.kernels());
        assertTrue(s.warning().orElseThrow().contains(FLAG), s.warning().get());
        assertEquals(0, loader.calls.get(), "must not touch the Vector API classes without the module");
    }

    @Test
    void autoFallsBackWhenTheKernelsRefuseThisHardware() {
        KernelProvider.Selection s = KernelProvider.select("", true, () -> {
            throw new UnsupportedOperationException("2 lanes");
        });
        assertSame(KernelProvider.JAVA, s.kernels());
        assertTrue(s.warning().orElseThrow().contains("2 lanes"), s.warning().get());
    }

    @Test
    void forcedJavaNeverLoadsPanamaAndDoesNotWarn() {
        for (boolean present : new boolean[] {true, false}) {
            CountingLoader loader = new CountingLoader();
            KernelProvider.Selection s = KernelProvider.select(" Java ", present, loader);
            assertSame(KernelProvider.JAVA, s.kernels());
            assertEquals(Optional.empty(), s.warning());
            assertEquals(0, loader.calls.get());
        }
    }

    @Test
    void forcedPanamaLoadsItOrFailsClearly() {
        CountingLoader loader = new CountingLoader();
        assertSame(loader.fake, KernelProvider.select("PANAMA", true, loader).kernels());

        IllegalStateException noModule = assertThrows(IllegalStateException.class,
                () -> KernelProvider.select("panama", false, loader));
        assertTrue(noModule.getMessage().contains(FLAG), noModule.getMessage());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> KernelProvider.select("panama", true, () -> {
                    throw new NoClassDefFoundError("jdk/incubator/vector/FloatVector");
                }));
        assertTrue(refused.getMessage().contains("FloatVector"), refused.getMessage());
    }

    @Test
    void unknownValuesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelProvider.select("simd", true, new CountingLoader()));
        assertTrue(e.getMessage().contains("java, panama, auto"), e.getMessage());
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
        assertSame(expected, chosen);
    }

    @Test
    void int8KernelsComeFromTheSameChoiceAsTheFloatKernels() {
        Int8Kernels chosen = KernelProvider.int8Kernels();
        assertSame(chosen, KernelProvider.int8Kernels());
        boolean java = KernelProvider.floatKernels() == KernelProvider.javaKernels();
        Int8Kernels expected = java ? KernelProvider.javaInt8Kernels() : KernelProvider.panamaInt8Kernels().get();
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
    }

    /** Never called: the selection tests only compare identities. */
    private static final class FakeInt8Kernels implements Int8Kernels {
        @Override
        public String name() {
            return "fake";
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
}
