/** The program table compiled from content by the build, with its lookups. */
import { programFromTable } from '../../domain/orders/program-table.ts';
import programTable from '../generated/program.ts';

export const program = programFromTable(programTable);
