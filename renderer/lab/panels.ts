/**
 * The device lab's panel list. A panel is a component in ./panels/ showing one simulated device
 * kind; its server side is a LabPanelServer under server/lab/ answering /api/lab/<id>/….
 * To add one (LED displays, call pads…): write the component, add it here with the same id.
 */
import type { ComponentType } from 'preact';
import { CallingPanel } from './panels/calling-panel.js';
import { CardsPanel } from './panels/cards-panel.js';
import { EvaluatorPanel } from './panels/evaluator-panel.js';
import { PrinterPanel } from './panels/printer-panel.js';

export interface LabPanelView {
  id: string;
  title: { zh: string; en: string };
  component: ComponentType;
}

export const LAB_PANEL_VIEWS: LabPanelView[] = [
  { id: 'printer', title: { zh: '号票打印机', en: 'Ticket printer' }, component: PrinterPanel },
  { id: 'cards', title: { zh: '刷卡 / 身份证', en: 'Cards and ID' }, component: CardsPanel },
  { id: 'calling', title: { zh: '叫号器 / LED 屏', en: 'Call pads and LED displays' }, component: CallingPanel },
  { id: 'evaluators', title: { zh: '评价器', en: 'Evaluator pads' }, component: EvaluatorPanel },
];
