/** The program table compiled from content by the build, with its lookups. */
import { programOf } from '../../domain/orders/program-table.ts';
import programTable from '../generated/program.ts';

export const program = programOf(programTable);
