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
        return out;
    }

    static Stream<Int8Kernels> streamInt8() {
        return allInt8().stream();
    }
}
