/* Every MPI_Send becomes MPI_Ssend, a send that returns only once the
 * matching receive has started. The MPI standard allows any MPI_Send to
 * behave so ("a program is safe if it does not rely on system buffering",
 * MPI 4.0, section 3.5); Open MPI does it only past its eager limit. The
 * chapter's tests preload this into the ranks (mpirun -x LD_PRELOAD=...)
 * through MPI's profiling interface (PMPI), so that a program that is correct
 * only because small messages are buffered deadlocks on every run, whatever
 * the message size. Collectives are not affected: Open MPI's collectives do
 * not call MPI_Send. */
#include <mpi.h>

int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest,
             int tag, MPI_Comm comm)
{
    return PMPI_Ssend(buf, count, datatype, dest, tag, comm);
}
