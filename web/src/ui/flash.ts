/**
 * A one-time confirmation the next page shows (已办理：现场核实 ZF-…): set before navigating, shown
 * by the shell on the page it was meant for, gone once that page is left or it is dismissed.
 */
import { signal } from '../signal.js';

export const flash = signal<{ text: string; path: string } | null>(null);

export function flashOn(path: string, text: string): void {
  flash.set({ text, path });
}
