// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hostile guests' PCI driver (lib/pci.h): bus 0 over ECAM, BARs,
 * capabilities, MSI-X. Every access is one MMIO load or store of the width
 * asked for, so a test controls exactly what armlet sees.
 */
#include "pci.h"

uint64_t mmio_read(uintptr_t addr, unsigned width)
{
	switch (width) {
	case 1: return mmio_read8(addr);
	case 2: return mmio_read16(addr);
	case 4: return mmio_read32(addr);
	case 8: return mmio_read64(addr);
	default: return 0;
	}
}

void mmio_write(uintptr_t addr, unsigned width, uint64_t val)
{
	switch (width) {
	case 1: mmio_write8(addr, (uint8_t)val); break;
	case 2: mmio_write16(addr, (uint16_t)val); break;
	case 4: mmio_write32(addr, (uint32_t)val); break;
	case 8: mmio_write64(addr, val); break;
	default: break;
	}
}

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
	return (uint32_t)mmio_read(f->cfg + off, width);
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t val)
{
	mmio_write(f->cfg + off, width, val);
}

unsigned pci_enumerate(struct pci_fn *fns, unsigned max)
{
	unsigned n = 0;

	for (unsigned dev = 0; dev < PCI_MAX_DEVS && n < max; dev++) {
		uint32_t id = mmio_read32(pci_cfg_addr(dev, PCI_VENDOR_ID));

		if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
			continue;
		fns[n++] = (struct pci_fn){ .dev = dev,
					    .vendor = (uint16_t)id,
					    .device = (uint16_t)(id >> 16),
					    .cfg = pci_cfg_addr(dev, 0) };
	}
	return n;
}

uint64_t pci_bar_get(const struct pci_fn *f, unsigned bar)
{
	uint32_t lo = pci_cfg_read(f, PCI_BAR0 + 4 * bar, 4);
	uint64_t addr = lo & ~0xfULL;

	if ((lo & 0x7) == 0x4 && bar < 5)
		addr |= (uint64_t)pci_cfg_read(f, PCI_BAR0 + 4 * (bar + 1), 4) << 32;
	return addr;
}

void pci_bar_set(const struct pci_fn *f, unsigned bar, uint64_t addr)
{
	uint32_t lo = pci_cfg_read(f, PCI_BAR0 + 4 * bar, 4);

	pci_cfg_write(f, PCI_BAR0 + 4 * bar, 4, (uint32_t)addr);
	if ((lo & 0x7) == 0x4 && bar < 5)
		pci_cfg_write(f, PCI_BAR0 + 4 * (bar + 1), 4, (uint32_t)(addr >> 32));
}

uint64_t pci_bar_size(const struct pci_fn *f, unsigned bar, bool *is64)
{
	unsigned off = PCI_BAR0 + 4 * bar;
	uint16_t cmd = (uint16_t)pci_cfg_read(f, PCI_COMMAND, 2);
	uint32_t lo = pci_cfg_read(f, off, 4), hi = 0, mlo, mhi = 0xffffffff;
	uint64_t mask;

	*is64 = !(lo & 1) && (lo & 0x6) == 0x4 && bar < 5;
	pci_cfg_write(f, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_MEM | PCI_COMMAND_IO));
	pci_cfg_write(f, off, 4, 0xffffffff);
	mlo = pci_cfg_read(f, off, 4);
	pci_cfg_write(f, off, 4, lo);
	if (*is64) {
		hi = pci_cfg_read(f, off + 4, 4);
		pci_cfg_write(f, off + 4, 4, 0xffffffff);
		mhi = pci_cfg_read(f, off + 4, 4);
		pci_cfg_write(f, off + 4, 4, hi);
	}
	pci_cfg_write(f, PCI_COMMAND, 2, cmd);
	mask = ((uint64_t)mhi << 32) | (mlo & ((lo & 1) ? ~0x3u : ~0xfu));
	if (!(mlo & ((lo & 1) ? ~0x3u : ~0xfu)))
		return 0;
	if (!*is64)
		mask |= 0xffffffff00000000ULL;
	return ~mask + 1;
}

uintptr_t pci_assign_all(struct pci_fn *fns, unsigned n)
{
	uintptr_t next = PCI_MMIO_BASE;

	for (unsigned i = 0; i < n; i++) {
		const struct pci_fn *f = &fns[i];

		for (unsigned bar = 0; bar < 6; bar++) {
			bool is64;
			uint64_t size = pci_bar_size(f, bar, &is64);

			if (size && !(pci_cfg_read(f, PCI_BAR0 + 4 * bar, 4) & 1)) {
				next = (next + size - 1) & ~(size - 1);
				pci_bar_set(f, bar, next);
				next += size;
			}
			if (is64)
				bar++;
		}
		pci_cfg_write(f, PCI_COMMAND, 2, PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
	}
	return next;
}

unsigned pci_cap_find(const struct pci_fn *f, uint8_t id, unsigned from)
{
	unsigned off;

	if (!(pci_cfg_read(f, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return 0;
	off = from ? pci_cfg_read(f, from + 1, 1) : pci_cfg_read(f, PCI_CAP_PTR, 1);
	for (unsigned steps = 0; off >= 0x40 && steps < 48; steps++) {
		off &= ~3u;
		if (pci_cfg_read(f, off, 1) == id)
			return off;
		off = pci_cfg_read(f, off + 1, 1);
	}
	return 0;
}

uintptr_t pci_msix_table(const struct pci_fn *f, unsigned *nr_vectors)
{
	unsigned cap = pci_cap_find(f, PCI_CAP_ID_MSIX, 0);
	uint32_t tbl;

	if (!cap)
		return 0;
	*nr_vectors = (pci_cfg_read(f, cap + PCI_MSIX_CTRL, 2) & 0x7ff) + 1;
	tbl = pci_cfg_read(f, cap + PCI_MSIX_TABLE, 4);
	return (uintptr_t)pci_bar_get(f, tbl & 7) + (tbl & ~7u);
}

void pci_msix_control(const struct pci_fn *f, bool enable, bool mask_all)
{
	unsigned cap = pci_cap_find(f, PCI_CAP_ID_MSIX, 0);
	uint16_t ctrl;

	if (!cap)
		return;
	ctrl = (uint16_t)pci_cfg_read(f, cap + PCI_MSIX_CTRL, 2);
	ctrl &= (uint16_t) ~(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	if (enable)
		ctrl |= PCI_MSIX_CTRL_ENABLE;
	if (mask_all)
		ctrl |= PCI_MSIX_CTRL_MASKALL;
	pci_cfg_write(f, cap + PCI_MSIX_CTRL, 2, ctrl);
}

void pci_msix_entry_set(uintptr_t table, unsigned vec, uint64_t addr, uint32_t data, bool masked)
{
	uintptr_t e = table + (uintptr_t)vec * MSIX_ENTRY_SIZE;

	mmio_write32(e + 0, (uint32_t)addr);
	mmio_write32(e + 4, (uint32_t)(addr >> 32));
	mmio_write32(e + 8, data);
	mmio_write32(e + MSIX_VECTOR_CTRL, masked ? 1 : 0);
}
