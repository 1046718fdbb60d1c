/** Vector API (jdk.incubator.vector) kernel implementations, loaded reflectively by the kernel providers. */
package org.quantlake.core.kernels;
